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

/**
 * What SES reports about a sent mail, as its configuration set's event destination
 * publishes it (the event record's JSON); the stand-in hands it to `feedback`.
 */
export type SesFeedbackPublisher = (eventJson: string) => Promise<void>;

/** The mailbox simulator's domain: mail to its addresses is never delivered anywhere. */
const SIMULATOR = 'simulator.amazonses.com';

/**
 * What SES's mailbox simulator (and the local lists) make of a recipient: `bounce@…` bounces
 * permanently, `complaint@…` is delivered and complained about (with `+label` too, as SES
 * allows). Locally any address can do the same: `LOCAL_SES_BOUNCE` and
 * `LOCAL_SES_COMPLAINT` list addresses (comma-separated, read at each send).
 */
export function simulatedOutcome(address: string): 'bounce' | 'complaint' | undefined {
  const lower = address.trim().toLowerCase();
  const listed = (variable: string) =>
    (process.env[variable] ?? '')
      .split(',')
      .map((entry) => entry.trim().toLowerCase())
      .includes(lower);
  const [local = '', domain = ''] = lower.split('@');
  const box = local.split('+')[0];
  if ((domain === SIMULATOR && box === 'bounce') || listed('LOCAL_SES_BOUNCE')) return 'bounce';
  if ((domain === SIMULATOR && box === 'complaint') || listed('LOCAL_SES_COMPLAINT')) {
    return 'complaint';
  }
  return undefined;
}

/**
 * The event record SES publishes for a bounce or a complaint of `email` (its shape as in
 * "Examples of event data that Amazon SES publishes to Amazon SNS"): the `mail` object with
 * SES's message id and the mail's tags. The stand-in drops the `EmailTags` of a send, so the
 * mailer's `ticket` tag is there only when the stored mail kept its `X-Servicedesk-Ticket`
 * header (a raw send keeps none): the handler then finds the ticket by SES's message id, as
 * it does in AWS for a mail sent without the tag.
 */
export function feedbackEvent(
  email: Email,
  recipient: string,
  outcome: 'bounce' | 'complaint',
  now: Date,
): Record<string, unknown> {
  const ticket = email.headers?.find((h) => h.name.toLowerCase() === 'x-servicedesk-ticket')?.value;
  const feedbackId = `local-${outcome}-${email.messageId}-${recipient.toLowerCase()}`;
  const mail = {
    timestamp: new Date(email.at * 1000).toISOString(),
    source: email.from,
    sendingAccountId: '000000000000',
    messageId: email.messageId,
    destination: [...email.destination.to, ...email.destination.cc, ...email.destination.bcc],
    headersTruncated: false,
    tags: {
      'ses:configuration-set': ['servicedesk-local'],
      ...(ticket ? { ticket: [ticket] } : {}),
    },
  };
  if (outcome === 'bounce') {
    return {
      eventType: 'Bounce',
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [
          {
            emailAddress: recipient,
            action: 'failed',
            status: '5.1.1',
            diagnosticCode: 'smtp; 550 5.1.1 user unknown',
          },
        ],
        timestamp: now.toISOString(),
        feedbackId,
        reportingMTA: 'dsn; a1-1.smtp-out.local.amazonses.com',
      },
      mail,
    };
  }
  return {
    eventType: 'Complaint',
    complaint: {
      complainedRecipients: [{ emailAddress: recipient }],
      timestamp: now.toISOString(),
      feedbackId,
      userAgent: 'servicedesk local SES stand-in',
      complaintFeedbackType: 'abuse',
      arrivalDate: now.toISOString(),
    },
    mail,
  };
}

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
  /**
   * Where bounce and complaint events go (the configuration set's SNS destination): each
   * mail to a simulator or listed address is reported there, moments after it was sent.
   */
  feedback?: SesFeedbackPublisher;
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
    if (options.feedback) report(email, options.feedback);
  };
  /** SES reports after the send was answered, as it does: a bounce comes later. */
  const pending = new Set<Promise<void>>();
  const report = (email: Email, publish: SesFeedbackPublisher) => {
    const recipients = [...email.destination.to, ...email.destination.cc, ...email.destination.bcc];
    for (const recipient of recipients) {
      const address = /<([^>]+)>\s*$/.exec(recipient)?.[1] ?? recipient;
      const outcome = simulatedOutcome(address);
      if (!outcome) continue;
      const sent = new Promise<void>((resolve) => setTimeout(resolve, 50))
        .then(() => publish(JSON.stringify(feedbackEvent(email, address, outcome, new Date()))))
        .catch((error: unknown) =>
          console.error('SES stand-in: feedback not published:', (error as Error).message),
        )
        .finally(() => pending.delete(sent));
      pending.add(sent);
    }
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
      await Promise.all(pending);
      journal.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
