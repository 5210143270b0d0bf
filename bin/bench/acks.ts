import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { composeMime } from '../../functions/adapters/ses-mail-sender';
import { FIRST_TICKET_NUMBER } from '../../functions/domain/ticket-number';
import { LOCAL_CREDENTIALS } from '../local/dynamodb';
import { type BenchContext, fail, settle } from './context';
import { createHttpClient } from './http-client';
import { count, percent, rate, ratioTarget, section, table, verdict } from './report';
import { mb, quartiles, type RssReading, startRssSampler } from './rss';
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

/** What one stretch of intake (and the drain after it) measured. */
interface IntakeRun {
  tickets: number;
  intakeRate: number;
  mailed: number;
  /** Acknowledgements sent, first submission → last mail. */
  mailRate: number;
  /** Acknowledgements sent after the last submission ÷ the drain time: the mailer alone. */
  drainRate: number;
  lag: ReturnType<typeof summarize>;
  backlogAtEnd: number;
  drained: { ms: number; left: number };
  /**
   * CPU time of the whole bench process (every thread) from the first submission until the
   * outbox was empty, per ticket: intake and acknowledgement together. Unlike the rates it
   * hardly depends on what else the machine runs.
   */
  cpuMsPerTicket: number;
}

/**
 * ACKNOWLEDGEMENT LAG: intake at 16 clients for 60 s while the stack's mailer sends the
 * acknowledgements; how fast mail goes out against what the SES stand-in takes raw, how
 * late each acknowledgement is, how soon the outbox is empty after the last submission,
 * and the process's RSS before and after (and over an opt-in soak, BENCH_ACK_SOAK_S).
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
  let offset = 0;
  const run = async (seconds: number): Promise<IntakeRun> => {
    const started = Date.now();
    const cpu = process.cpuUsage();
    const answered = await intake(context, ackConcurrency, seconds, offset);
    offset += answered.size + 1_000;
    const intakeEnded = Date.now();
    const backlogAtEnd = await backlog(sqs, context.input.outbox.url);
    const drained = await drain();
    const used = process.cpuUsage(cpu);
    const lags: number[] = [];
    let lastMail = 0;
    let mailed = 0;
    let afterIntake = 0;
    for (const [number, at] of answered) {
      const sent = times[number - FIRST_TICKET_NUMBER] ?? 0;
      if (sent > 0) {
        lags.push(Math.max(0, sent - at));
        lastMail = Math.max(lastMail, sent);
        mailed++;
        if (sent > intakeEnded) afterIntake++;
      }
    }
    return {
      tickets: answered.size,
      intakeRate: (answered.size / (intakeEnded - started)) * 1000,
      mailed,
      mailRate: (mailed / Math.max(1, lastMail - started)) * 1000,
      drainRate: afterIntake > 0 ? (afterIntake / Math.max(1, lastMail - intakeEnded)) * 1000 : 0,
      lag: summarize(lags.length > 0 ? lags : [Number.NaN]),
      backlogAtEnd,
      drained,
      cpuMsPerTicket: (used.user + used.system) / 1000 / Math.max(1, answered.size),
    };
  };

  await settle();
  const rssBefore = process.memoryUsage.rss();
  const main = await run(ackSeconds);
  const rssAfter = process.memoryUsage.rss();
  await settle();
  const raw = await rawSends(context, context.input.mailerConcurrency);
  const share = main.mailRate / raw;

  let soak: { run: IntakeRun; reading: RssReading; load: string } | undefined;
  if (ackSoakSeconds > 0) {
    await settle();
    const sampler = startRssSampler(1000);
    const window = sampler.open();
    const soakRun = await run(ackSoakSeconds);
    await settle();
    soak = {
      run: soakRun,
      reading: window.close(),
      load: loadavg()
        .map((l) => l.toFixed(1))
        .join(' '),
    };
    await sampler.stop();
  }
  sqs.destroy();

  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const rows = (r: IntakeRun): string[][] => [
    ['tickets submitted (201)', count(r.tickets)],
    ['intake rate', rate(r.intakeRate)],
    ['acknowledgements sent', count(r.mailed)],
    ['mails sent/s (first submission → last mail)', rate(r.mailRate)],
    [
      'mails sent/s after the last submission (the mailer alone)',
      r.drainRate > 0 ? rate(r.drainRate) : '- (no backlog)',
    ],
    ['ack lag p50 / p95', `${seconds(r.lag.median)} / ${seconds(r.lag.p95)}`],
    ['outbox backlog at the last submission', count(r.backlogAtEnd)],
    [
      'CPU per ticket, intake and acknowledgement (all threads)',
      `${r.cpuMsPerTicket.toFixed(1)} ms`,
    ],
    [
      'drained after the last submission',
      r.drained.left === 0
        ? seconds(r.drained.ms)
        : `not in ${seconds(r.drained.ms)}: ${count(r.drained.left)} left`,
    ],
  ];
  console.log(
    table(
      ['', 'value'],
      [
        ...rows(main),
        [`raw SES stand-in sends/s (${context.input.mailerConcurrency} at a time)`, rate(raw)],
        [
          'mails sent/s ÷ raw SES sends/s (after the last submission)',
          `${percent(share)} (${main.drainRate > 0 ? percent(main.drainRate / raw) : '-'})`,
        ],
        ['RSS before / after the run', `${mib(rssBefore)} / ${mib(rssAfter)}`],
      ],
    ),
  );
  if (soak) {
    console.log(
      `\n  SOAK: the same intake for ${ackSoakSeconds} s more (load average at its end ${soak.load})`,
    );
    console.log(
      table(
        ['', 'value'],
        [
          ...rows(soak.run),
          [
            'RSS at the start / end of the soak',
            `${mib(soak.reading.idle)} / ${mib(soak.reading.trace.at(-1) ?? soak.reading.idle)}`,
          ],
          ['RSS 0 / 25 / 50 / 75 / 100 % through the soak (MB)', quartiles(soak.reading)],
          ['RSS peak in the soak', mib(soak.reading.peak)],
        ],
      ),
    );
  } else {
    console.log('\n  RSS soak not run (BENCH_ACK_SOAK_S=600 runs the 10-minute soak).');
  }
  console.log(
    `\n  mails sent/s vs raw SES sends/s: ${percent(share)} (target ≥ 50%) ${verdict(share >= 0.5)}; ` +
      `drained ${seconds(main.drained.ms)} after the last submission (target ≤ 10 s) ` +
      `${verdict(main.drained.left === 0 && main.drained.ms <= DRAIN_TARGET_MS)}; ` +
      `every answered ticket acknowledged: ${main.mailed === main.tickets ? 'yes' : `NO (${main.tickets - main.mailed} missing)`}`,
  );
  console.log(
    '  While the mailer keeps up, mails/s is the intake rate: the first figure is bounded by\n' +
      '  intake, the one after the last submission by the mailer. RSS is the whole bench\n' +
      '  process: the stack, dynalite, the stand-ins and the load-generating thread.',
  );
  context.targets.push(
    ratioTarget('acks: mails sent/s vs raw SES sends/s', share, 'atLeast', 0.5, true),
    {
      name: 'acks: outbox drained after the last submission',
      measured: seconds(main.drained.ms),
      target: '≤ 10 s',
      ok: main.drained.left === 0 && main.drained.ms <= DRAIN_TARGET_MS,
    },
    {
      name: 'acks: every answered ticket acknowledged',
      measured: `${count(main.mailed)} of ${count(main.tickets)}`,
      target: 'all',
      ok: main.mailed === main.tickets,
    },
  );
  if (soak) {
    const end = soak.reading.trace.at(-1) ?? soak.reading.idle;
    const growth = end - soak.reading.idle;
    context.targets.push(
      {
        name: `acks: RSS growth over a ${ackSoakSeconds} s soak`,
        measured: mb(growth),
        target: '≤ 100 MB',
        ok: growth <= 100e6,
      },
      {
        name: 'acks: every soak ticket acknowledged',
        measured: `${count(soak.run.mailed)} of ${count(soak.run.tickets)}`,
        target: 'all',
        ok: soak.run.mailed === soak.run.tickets,
      },
    );
  }
}
