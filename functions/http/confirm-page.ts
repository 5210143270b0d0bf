import { httpHandler } from '../shared/http-handler';
import { validate } from '../shared/validation';
import { confirmAddressPage, PAGE_HEADERS } from './form-pages';
import { confirmQuery, ticketIdPath } from './schemas';

/**
 * `GET /tickets/{ticketId}/confirm?code=`: the page behind the confirm link of an
 * acknowledgement. It only shows a button that posts the code; it reads and changes nothing.
 */
export const handler = httpHandler('confirm-page', async (request) => {
  const { ticketId } = validate(ticketIdPath, request.path, 'path');
  const { code, lang } = validate(confirmQuery, request.query, 'query');
  return {
    status: 200,
    // The code is in the page: no cache may keep it, no referrer may carry the link on.
    headers: { ...PAGE_HEADERS, 'cache-control': 'no-store' },
    text: confirmAddressPage(ticketId, code, lang ?? 'de'),
  };
});
