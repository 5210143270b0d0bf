import { httpHandler } from '../shared/http-handler';
import { confirmAddressPage, PAGE_HEADERS } from './form-pages';
import { confirmQuery, ticketIdPath } from './schemas';

/**
 * `GET /tickets/{ticketId}/confirm?code=`: the page behind the confirm link of an
 * acknowledgement. It only shows a button that posts the code; it reads and changes nothing.
 */
export const handler = httpHandler(
  'confirm-page',
  { path: ticketIdPath, query: confirmQuery },
  async (request) => {
    const { ticketId } = request.path;
    const { code, lang } = request.query;
    return {
      status: 200,
      // The code is in the page: no cache may keep it, no referrer may carry the link on.
      headers: { ...PAGE_HEADERS, 'cache-control': 'no-store' },
      text: confirmAddressPage(ticketId, code, lang ?? 'de'),
    };
  },
);
