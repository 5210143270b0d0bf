import { takeVoicemail } from '../app/take-voicemail';
import { UnauthorizedError } from '../domain/errors';
import { checkSignature } from '../domain/request-signature';
import { dependencies } from '../shared/dependencies';
import { withOutbox } from '../shared/with-outbox';
import { withAccessTokens } from '../shared/with-access-tokens';
import { httpHandler } from '../shared/http-handler';
import { secret } from '../shared/secrets';
import { validate } from '../shared/validation';
import { voicemailBody } from './schemas';

const REFUSALS = {
  missing: 'Sign the request: X-Servicedesk-Timestamp and X-Servicedesk-Signature.',
  stale: 'The request timestamp is outside the allowed window; send a fresh request.',
  mismatch: 'The request signature does not match.',
} as const;

/**
 * `POST /intake/voicemail`: the phone system reports a voicemail, signed with the shared
 * secret. The same voicemail reported again (a replay, or a retry signed anew) returns the
 * ticket it made, with 200.
 */
export const handler = httpHandler('take-voicemail', async (request) => {
  const deps = withAccessTokens(withOutbox(dependencies()));
  const signature = request.headers['x-servicedesk-signature'];
  const check = checkSignature(
    await secret('VOICEMAIL_SECRET'),
    {
      timestamp: request.headers['x-servicedesk-timestamp'],
      signature,
      body: request.rawBody ?? '',
    },
    deps.clock.now(),
  );
  if (check !== 'valid') throw new UnauthorizedError(REFUSALS[check]);
  const voicemail = validate(voicemailBody, request.body ?? {}, 'body');
  const { ticket, replayed } = await takeVoicemail(deps, voicemail);
  return {
    status: replayed ? 200 : 201,
    headers: { location: `/tickets/${ticket.ticketId}` },
    body: {
      ticketId: ticket.ticketId,
      status: ticket.status,
      group: ticket.group,
      channel: ticket.channel,
      customer: ticket.customer ?? null,
      receivedAt: ticket.receivedAt,
    },
  };
});
