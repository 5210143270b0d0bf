import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import sesLocal from 'aws-ses-v2-local';
import type { Email } from 'aws-ses-v2-local/dist/store.js';
import { FORGET_PATH } from '../../functions/adapters/local-ses-mailbox';
import { Journal } from './journal';

// A CommonJS module with `exports.default`: Node's ESM loader hands over the exports
// object, bundlers the function itself.
const startServer = (sesLocal as unknown as { default?: typeof sesLocal }).default ?? sesLocal;

/**
 * The stand-in's store module as CommonJS exports: its send handlers call `saveEmail`
 * through this object, so replacing it here sees every mail sent.
 */
const store = createRequire(import.meta.url)('aws-ses-v2-local/dist/store.js') as {
  saveEmail: (email: Email) => void;
  clearStore: () => void;
  getStoreReadonly: () => { emails: Email[] };
};

export interface LocalSes {
  /** Endpoint for the SES clients; its `/` is the mail viewer and `/store` lists the mail. */
  endpoint: string;
  /** Mails sent since the stand-in started. */
  sent(): number;
  /** Calls `listener` with the subject of every mail sent from now on (the bench's clock). */
  onSent(listener: (subject: string) => void): void;
  close(): Promise<void>;
}

/** Sent mails the stand-in keeps in memory (`LOCAL_SES_KEEP`), the newest. */
export const LOCAL_SES_KEEP = 10_000;

/**
 * The SES stand-in: aws-ses-v2-local (SES v1 and v2 send APIs, a web page with the sent
 * mail, `GET /store`). Its store is in memory; each mail is written through to a journal in
 * the data folder (`ses-sent-mail.ndjson`) before the send is answered, and loaded again at
 * start, so the mailbox survives a restart and a crash. The viewer and `/store` show at
 * least the newest `keep` mails (all of them stay in the journal): kept all, every mail's few
 * kilobytes of parsed content stayed in memory for the life of the process, 10,000 mails
 * every 2 minutes under load (issue 12).
 */
export async function startSes(options: {
  port: number;
  dataDir: string;
  /** @default LOCAL_SES_KEEP */
  keep?: number;
}): Promise<LocalSes> {
  const keep = Math.max(1, options.keep ?? LOCAL_SES_KEEP);
  const file = join(options.dataDir, 'ses-sent-mail.ndjson');
  const legacy = join(options.dataDir, 'ses-sent-mail.json');
  store.clearStore();
  const save = store.saveEmail;
  const restored: Email[] = existsSync(legacy)
    ? (JSON.parse(readFileSync(legacy, 'utf8')) as Email[])
    : [];
  restored.push(...Journal.read<Email>(file));
  for (const email of restored.slice(-keep)) save(email);
  const journal = new Journal<Email>(file);
  if (existsSync(legacy)) {
    journal.rewrite(restored);
    rmSync(legacy);
  }
  let sent = 0;
  const listeners: ((subject: string) => void)[] = [];
  store.saveEmail = (email) => {
    journal.append(email);
    sent++;
    save(email);
    const { emails } = store.getStoreReadonly();
    // Dropped in bulk (up to a thousand at a time), not one splice per mail.
    if (emails.length > keep + Math.min(1000, keep)) emails.splice(0, emails.length - keep);
    for (const listener of listeners) listener(email.subject);
  };
  const server: Server = await startServer({ host: '127.0.0.1', port: options.port });
  // `POST /_local/forget {email}`: an erasure (SPEC §13) removes the person's mail from the
  // mailbox this stand-in keeps (memory and journal), as no real SES would have kept it.
  const standIn = server.listeners('request') as ((...args: unknown[]) => void)[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (request.method === 'POST' && request.url === FORGET_PATH) {
      forget(request, response);
      return;
    }
    for (const listener of standIn) listener.call(server, request, response);
  });
  const forget = (request: IncomingMessage, response: ServerResponse) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => {
      let address = '';
      try {
        const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as { email?: unknown };
        address = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
      } catch {
        // Answered below as a bad request.
      }
      if (!address.includes('@')) {
        response.writeHead(400).end();
        return;
      }
      const mentions = (email: Email) => JSON.stringify(email).toLowerCase().includes(address);
      const { emails } = store.getStoreReadonly();
      const before = emails.length;
      for (let i = emails.length - 1; i >= 0; i--) {
        if (mentions(emails[i] as Email)) emails.splice(i, 1);
      }
      const kept = Journal.read<Email>(file).filter((email) => !mentions(email));
      journal.rewrite(kept);
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ removed: before - emails.length }));
    });
  };
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    sent: () => sent,
    onSent: (listener) => listeners.push(listener),
    close: async () => {
      store.saveEmail = save;
      journal.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
