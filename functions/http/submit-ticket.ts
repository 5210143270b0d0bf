import { publicIdempotencyKey, submitTicket } from '../app/submit-ticket';
import { dependencies } from '../shared/dependencies';
import { withOutbox } from '../shared/with-outbox';
import { withAccessTokens } from '../shared/with-access-tokens';
import { httpHandler } from '../shared/http-handler';
import { formErrorPage, PAGE_HEADERS, ticketReceiptPage } from './form-pages';
import { idempotencyKeyHeader, ticketSubmission } from './schemas';

/** `POST /tickets`: the web form. Honours `Idempotency-Key`. */
export const handler = httpHandler(
  'submit-ticket',
  { body: ticketSubmission, idempotencyKey: idempotencyKeyHeader, formErrorPage },
  async (request) => {
    const { body: form, idempotencyKey } = request;
    const { ticket, accessToken, replayed } = await submitTicket(
      withAccessTokens(withOutbox(dependencies())),
      { ...form, channel: 'web' },
      idempotencyKey === undefined ? undefined : publicIdempotencyKey(idempotencyKey),
      request.clientAddress ? { clientAddress: request.clientAddress } : {},
    );
    if (request.form) {
      return {
        status: 201,
        headers: { ...PAGE_HEADERS, location: `/tickets/${ticket.ticketId}` },
        text: ticketReceiptPage({ ticketId: ticket.ticketId, accessToken }, form.locale),
      };
    }
    return {
      status: 201,
      headers: {
        location: `/tickets/${ticket.ticketId}`,
        ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
      },
      body: {
        ticketId: ticket.ticketId,
        status: ticket.status,
        group: ticket.group,
        severity: ticket.severity,
        receivedAt: ticket.receivedAt,
        accessToken,
      },
    };
  },
);
