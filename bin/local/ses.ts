import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import sesLocal from 'aws-ses-v2-local';
import {
  clearStore,
  type Email,
  getStoreReadonly,
  saveEmail,
} from 'aws-ses-v2-local/dist/store.js';

// A CommonJS module with `exports.default`: Node's ESM loader hands over the exports
// object, bundlers the function itself.
const startServer = (sesLocal as unknown as { default?: typeof sesLocal }).default ?? sesLocal;

export interface LocalSes {
  /** Endpoint for the SES clients; its `/` is the mail viewer and `/store` lists the mail. */
  endpoint: string;
  close(): Promise<void>;
}

/**
 * The SES stand-in: aws-ses-v2-local (SES v1 and v2 send APIs, a web page with the sent
 * mail, `GET /store`). Its store is in memory; the sent mail is saved to the data folder
 * on stop and loaded again at start, so the mailbox survives a restart.
 */
export async function startSes(options: { port: number; dataDir: string }): Promise<LocalSes> {
  const saved = join(options.dataDir, 'ses-sent-mail.json');
  clearStore();
  if (existsSync(saved)) {
    for (const email of JSON.parse(readFileSync(saved, 'utf8')) as Email[]) saveEmail(email);
  }
  const server: Server = await startServer({ host: '127.0.0.1', port: options.port });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    close: async () => {
      mkdirSync(options.dataDir, { recursive: true });
      writeFileSync(saved, JSON.stringify(getStoreReadonly().emails));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
