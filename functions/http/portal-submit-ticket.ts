import { submitPortalTicket } from '../app/portal';
import { dependencies } from '../shared/dependencies';
import { withOutbox } from '../shared/with-outbox';
import { withAccessTokens } from '../shared/with-access-tokens';
import { httpHandler } from '../shared/http-handler';
import { portalPrincipal } from '../shared/portal-principal';
import { idempotencyKeyHeader, portalTicketBody } from './schemas';

/** `POST /portal/tickets`: a new ticket from the signed-in address (acknowledged by mail). */
export const handler = httpHandler(
  'portal-submit-ticket',
  { body: portalTicketBody, idempotencyKey: idempotencyKeyHeader },
  async (request) => {
    const { body: input, idempotencyKey } = request;
    const { ticket, replayed } = await submitPortalTicket(
      withAccessTokens(withOutbox(dependencies())),
      portalPrincipal(request.principal),
      {
        subject: input.subject,
        description: input.description,
        severity: input.severity,
        locale: input.locale,
        ...(input.name ? { name: input.name } : {}),
        ...(input.phone ? { phone: input.phone } : {}),
      },
      idempotencyKey,
    );
    return {
      status: 201,
      headers: {
        location: `/portal/tickets/${ticket.ticketId}`,
        ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
      },
      body: {
        ticketId: ticket.ticketId,
        status: ticket.status,
        group: ticket.group,
        severity: ticket.severity,
        receivedAt: ticket.receivedAt,
      },
    };
  },
);
