import { httpHandler } from '../shared/http-handler';

/** `GET /health`: 200 once the function can serve requests. */
export const handler = httpHandler('health', async () => ({
  status: 200,
  body: { status: 'ok' },
}));
