import { performance } from 'node:perf_hooks';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { composeMime } from '../../functions/adapters/ses-mail-sender';
import { FIRST_TICKET_NUMBER } from '../../functions/domain/ticket-number';
import { LOCAL_CREDENTIALS } from '../local/dynamodb';
import { type BenchContext, fail, settle } from './context';
import { createHttpClient } from './http-client';
import { count, percent, rate, ratioTarget, section, table, verdict } from './report';
import { summarize } from './stats';

/** Tickets whose mail time the stack records for this run (ticket numbers from 10001). */
export const MAIL_TIME_SLOTS = 1 << 20;
/** The backlog must be gone this long after the last submission (target). */
const DRAIN_TARGET_MS = 10_000;
const DRAIN_GIVE_UP_MS = 180_000;
const RAW_SECONDS = 10;

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

async function backlog(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return Object.values(Attributes).reduce((sum, value) => sum + Number(value ?? 0), 0);
}

/**
 * Tickets per client address and per mail domain: under the default acknowledgement limits
 * (20 per client address, 50 per domain and hour), so that every ticket is acknowledged
 * through the limits as configured in production, each one counted.
 */
const TICKETS_PER_CLIENT_ADDRESS = 10;
const TICKETS_PER_DOMAIN = 25;

/** The `n`-th client address of the bench: 127.16.0.1, 127.16.0.2, … (never .0 or .255). */
export function benchClientAddress(n: number): string {
  const host = n % 254;
  const rest = Math.floor(n / 254);
  return `127.${16 + Math.floor(rest / 256)}.${rest % 256}.${host + 1}`;
}

/**
 * `clients` concurrent web-form submissions for `seconds`; when each ticket was answered.
 * Like many customers, not one machine: every ticket from a mailbox of its own, 25 from a
 * mail domain, 10 from a client address (each connection from its own 127.x.y.z).
 */
async function intake(context: BenchContext, clients: number, seconds: number, offset: number) {
  const answered = new Map<number, number>();
  const until = performance.now() + seconds * 1000;
  let next = offset;
  let addresses = Math.floor(offset / TICKETS_PER_CLIENT_ADDRESS) + clients;
  await Promise.all(
    Array.from({ length: clients }, async (_, clientIndex) => {
      let address = Math.floor(offset / TICKETS_PER_CLIENT_ADDRESS) + clientIndex;
      let http = createHttpClient(context.input.apiUrl, 1, benchClientAddress(address));
      let fromAddress = 0;
      while (performance.now() < until) {
        if (fromAddress === TICKETS_PER_CLIENT_ADDRESS) {
          http.close();
          address = addresses++;
          http = createHttpClient(context.input.apiUrl, 1, benchClientAddress(address));
          fromAddress = 0;
        }
        fromAddress++;
        const i = next++;
        const response = await http.send('POST', '/tickets', {
          json: {
            name: `Bench Customer ${i}`,
            email: `ack${i}@d${Math.floor(i / TICKETS_PER_DOMAIN)}.mail.example`,
            subject: `Bench ticket ${i}: export fails`,
            description: 'Since the last update the nightly export fails with a timeout.',
            severity: 'normal',
          },
        });
        if (response.status !== 201) {
          fail(`POST /tickets answered ${response.status}: ${response.body}`);
        }
        const { ticketId } = JSON.parse(response.body) as { ticketId: string };
        answered.set(Number(ticketId.slice(2)), Date.now());
      }
      http.close();
    }),
  );
  return answered;
}

/** Raw SendEmail calls to the SES stand-in at the mailer's concurrency: its ceiling. */
async function rawSends(context: BenchContext, concurrency: number): Promise<number> {
  const ses = new SESv2Client({
    endpoint: context.input.sesEndpoint,
    region: 'eu-central-1',
    credentials: LOCAL_CREDENTIALS,
  });
  const raw = await composeMime(
    {
      eventId: 'bench',
      ticketId: 'T-1',
      kind: 'acknowledgement',
      from: 'support@servicedesk.test',
      to: 'raw@mail.example',
      subject: '[T-1] Eingangsbestätigung: Bench',
      text: 'Guten Tag,\n\nvielen Dank für Ihre Anfrage.\n'.repeat(8),
      html: '<p>Guten Tag,</p><p>vielen Dank für Ihre Anfrage.</p>'.repeat(8),
      messageId: '<bench@servicedesk.test>',
      references: [],
    },
    'Servicedesk Support',
  );
  let sent = 0;
  const started = performance.now();
  const until = started + RAW_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await ses.send(
          new SendEmailCommand({
            FromEmailAddress: 'support@servicedesk.test',
            Destination: { ToAddresses: ['raw@mail.example'] },
            Content: { Raw: { Data: raw } },
          }),
        );
        sent++;
      }
    }),
  );
  ses.destroy();
  return (sent / (performance.now() - started)) * 1000;
}

/**
 * ACKNOWLEDGEMENT LAG: intake at 16 clients for 60 s while the in-process mailer sends the
 * acknowledgements; how fast mail goes out against what the SES stand-in takes raw, how
 * late each acknowledgement is, how soon the outbox is empty after the last submission,
 * and the process's RSS before and after (and after an opt-in soak, BENCH_ACK_SOAK_S).
 */
export async function benchAcknowledgements(context: BenchContext): Promise<void> {
  const { ackSeconds, ackConcurrency, ackSoakSeconds } = context.input.config;
  const times = new Float64Array(context.input.mailTimes);
  section(
    `ACKNOWLEDGEMENT LAG: POST /tickets with ${ackConcurrency} clients for ${ackSeconds} s, ` +
      `mailer at ${context.input.mailerConcurrency} batches at a time`,
  );
  const sqs = new SQSClient({
    endpoint: context.input.sqsEndpoint,
    region: 'eu-central-1',
    credentials: LOCAL_CREDENTIALS,
  });
  const drain = async () => {
    const started = performance.now();
    let left = await backlog(sqs, context.input.outbox.url);
    while (left > 0 && performance.now() - started < DRAIN_GIVE_UP_MS) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      left = await backlog(sqs, context.input.outbox.url);
    }
    return { ms: performance.now() - started, left };
  };

  await settle();
  const rssBefore = process.memoryUsage.rss();
  const started = Date.now();
  const answered = await intake(context, ackConcurrency, ackSeconds, 0);
  const intakeEnded = Date.now();
  const backlogAtEnd = await backlog(sqs, context.input.outbox.url);
  const drained = await drain();
  const rssAfter = process.memoryUsage.rss();

  const lags: number[] = [];
  let lastMail = 0;
  let mailed = 0;
  for (const [number, at] of answered) {
    const sent = times[number - FIRST_TICKET_NUMBER] ?? 0;
    if (sent > 0) {
      lags.push(Math.max(0, sent - at));
      lastMail = Math.max(lastMail, sent);
      mailed++;
    }
  }
  const lag = summarize(lags.length > 0 ? lags : [Number.NaN]);
  const mailRate = (mailed / Math.max(1, lastMail - started)) * 1000;
  const intakeRate = (answered.size / (intakeEnded - started)) * 1000;

  await settle();
  const raw = await rawSends(context, context.input.mailerConcurrency);
  const share = mailRate / raw;

  let soak: { before: number; after: number; tickets: number } | undefined;
  if (ackSoakSeconds > 0) {
    const before = process.memoryUsage.rss();
    const more = await intake(context, ackConcurrency, ackSoakSeconds, answered.size + 1_000_000);
    await drain();
    await settle();
    soak = { before, after: process.memoryUsage.rss(), tickets: more.size };
  }
  sqs.destroy();

  console.log(
    table(
      ['', 'value'],
      [
        ['tickets submitted (201)', count(answered.size)],
        ['intake rate', rate(intakeRate)],
        ['acknowledgements sent', count(mailed)],
        ['mails sent/s (first submission → last mail)', rate(mailRate)],
        [`raw SES stand-in sends/s (${context.input.mailerConcurrency} at a time)`, rate(raw)],
        ['ack lag p50', `${(lag.median / 1000).toFixed(2)} s`],
        ['ack lag p95', `${(lag.p95 / 1000).toFixed(2)} s`],
        ['outbox backlog at the last submission', count(backlogAtEnd)],
        ['drained after the last submission', `${(drained.ms / 1000).toFixed(1)} s`],
        ['RSS before / after the run', `${mib(rssBefore)} / ${mib(rssAfter)}`],
        ...(soak
          ? [
              [
                `RSS before / after a ${ackSoakSeconds} s soak (${count(soak.tickets)} tickets)`,
                `${mib(soak.before)} / ${mib(soak.after)}`,
              ],
            ]
          : [['RSS soak', 'not run (BENCH_ACK_SOAK_S=600 runs the 10-minute soak)']]),
      ],
    ),
  );
  console.log(
    `\n  mails sent/s vs raw SES sends/s: ${percent(share)} (target ≥ 50%) ${verdict(share >= 0.5)}; ` +
      `drained ${(drained.ms / 1000).toFixed(1)} s after the last submission (target ≤ 10 s) ` +
      `${verdict(drained.left === 0 && drained.ms <= DRAIN_TARGET_MS)}; ` +
      `every answered ticket acknowledged: ${mailed === answered.size ? 'yes' : `NO (${answered.size - mailed} missing)`}`,
  );
  console.log(
    '  RSS is the whole bench process: the stack, dynalite and the load-generating thread.',
  );
  context.targets.push(
    ratioTarget('acks: mails sent/s vs raw SES sends/s', share, 'atLeast', 0.5, true),
    {
      name: 'acks: outbox drained after the last submission',
      measured: `${(drained.ms / 1000).toFixed(1)} s`,
      target: '≤ 10 s',
      ok: drained.left === 0 && drained.ms <= DRAIN_TARGET_MS,
    },
    {
      name: 'acks: every answered ticket acknowledged',
      measured: `${count(mailed)} of ${count(answered.size)}`,
      target: 'all',
      ok: mailed === answered.size,
    },
  );
  if (soak) {
    const growth = soak.after - soak.before;
    context.targets.push({
      name: `acks: RSS growth over a ${ackSoakSeconds} s soak`,
      measured: mib(growth),
      target: '≤ 100 MiB',
      ok: growth <= 100 * 2 ** 20,
    });
  }
}
