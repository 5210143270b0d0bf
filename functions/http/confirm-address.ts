import { confirmRequesterAddress } from '../app/verify-requester';
import { dependencies } from '../shared/dependencies';
import { httpHandler } from '../shared/http-handler';
import { addressConfirmedPage, formErrorPage, PAGE_HEADERS } from './form-pages';
import { confirmBody, ticketIdPath } from './schemas';

/**
 * `POST /tickets/{ticketId}/confirm`: `{code}` from the acknowledgement's confirm link
 * proves the requester's address theirs (SPEC §14). JSON answers `{ticketId,
 * requesterVerified}`; the confirm page's plain form post answers with a page.
 */
export const handler = httpHandler(
  'confirm-address',
  { path: ticketIdPath, body: confirmBody, formErrorPage },
  async (request) => {
    const { ticketId } = request.path;
    const { code, locale } = request.body;
    const ticket = await confirmRequesterAddress(dependencies(), ticketId, code);
    if (request.form) {
      return {
        status: 200,
        headers: { ...PAGE_HEADERS, 'cache-control': 'no-store' },
        text: addressConfirmedPage(ticket.ticketId, locale ?? ticket.locale),
      };
    }
    return {
      status: 200,
      body: { ticketId: ticket.ticketId, requesterVerified: ticket.requesterVerified === true },
    };
  },
);
