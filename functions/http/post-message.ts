import { postMessage } from '../app/post-message';
import { dependencies } from '../shared/dependencies';
import { withOutbox } from '../shared/with-outbox';
import { httpHandler } from '../shared/http-handler';
import { newMessage, ticketIdPath } from './schemas';
import { messageView } from './views';

/** `POST /tickets/{ticketId}/messages`: the customer (token) or an agent writes. */
export const handler = httpHandler(
  'post-message',
  { path: ticketIdPath, body: newMessage },
  async (request) => {
    const { ticketId } = request.path;
    const input = request.body;
    const { message, ticket } = await postMessage(
      withOutbox(dependencies()),
      ticketId,
      request.principal,
      request.headers['x-ticket-token'],
      input,
    );
    return {
      status: 201,
      body: { ...messageView(message), ticketStatus: ticket.status },
    };
  },
);
