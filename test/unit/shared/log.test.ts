import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { correlate, log, logger, readableLine } from '../../../functions/shared/log';
import { observability } from '../../../functions/shared/observability';

/** Everything the logger printed, one entry per line, whichever stream it used. */
let printed: string[];

beforeEach(() => {
  printed = [];
  // JSON (AWS) mode writes through Powertools' own console on process.stdout/stderr; text
  // mode through the global console.
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk).trimEnd());
      return true;
    });
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      printed.push(args.map(String).join(' '));
    });
  }
});

afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.LOG_FORMAT;
  logger.resetKeys();
});

/** The JSON records printed. */
function records(): Record<string, unknown>[] {
  return printed.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
}

const PERSONAL = {
  email: 'erika.mustermann@victim.example',
  name: 'Erika Mustermann',
  subject: 'Geheimer Betreff',
  body: 'Mein Passwort ist hunter2',
  phone: '+49 170 1234567',
  to: 'bomb@victim.example',
};

describe('the Logger (Powertools) never prints personal data', () => {
  it('keeps allowed fields, drops the others by name and says which', () => {
    log('INFO', 'mail delivered', { ticketId: 'T-10001', eventId: 'ack.T-10001', ...PERSONAL });
    const [record] = records();
    expect(record).toMatchObject({
      level: 'INFO',
      message: 'mail delivered',
      service: 'servicedesk',
      ticketId: 'T-10001',
      eventId: 'ack.T-10001',
      dropped: ['email', 'name', 'subject', 'body', 'phone', 'to'],
    });
    expect(printed.join('\n')).not.toMatch(/victim|Erika|Mustermann|Geheim|hunter2|1234567/);
  });

  it('filters what is logged past log(): logger.info with extra keys, appendKeys, an Error', () => {
    logger.appendKeys({ requester: PERSONAL.email });
    logger.info('direct', { email: PERSONAL.email, ticketId: 'T-1' });
    // Error messages are our words or a service's, which may quote an address: scrubbed.
    logger.error(
      `failed for ${PERSONAL.to}`,
      new Error(`mail to ${PERSONAL.email} bounced (<${PERSONAL.to}>)`),
    );
    const text = printed.join('\n');
    expect(text).not.toMatch(/victim|erika/);
    const [info, error] = records();
    expect(info).toMatchObject({ ticketId: 'T-1', dropped: ['requester', 'email'] });
    expect(error).toMatchObject({
      level: 'ERROR',
      message: 'failed for <address>',
      error: 'Error',
      detail: expect.stringContaining('<address>'),
    });
    expect(String(error?.stack)).toContain('<address>');
  });

  it('scrubs a correlation id that holds an address (a path parameter is anyone’s text)', () => {
    correlate(`T-1 ${PERSONAL.email}`);
    log('INFO', 'm');
    expect(records()[0]?.correlation_id).toBe('T-1 <address>');
  });

  it('prints no event, even when Powertools is told to log it', async () => {
    const handler = middy(async () => 'done').use(
      injectLambdaContext(logger, { logEvent: true, resetKeys: true }),
    );
    await handler({ body: JSON.stringify(PERSONAL), headers: { from: PERSONAL.email } }, context());
    expect(printed.join('\n')).not.toMatch(/victim|Erika|hunter2/);
    expect(records()[0]).toMatchObject({ dropped: ['event'] });
  });

  it('never prints an address put anywhere in a record (property)', () => {
    const address = fc
      .tuple(
        fc.stringMatching(/^[a-z][a-z0-9._+-]{0,12}$/),
        fc.stringMatching(/^[a-z][a-z0-9-]{0,10}\.[a-z]{2,5}$/),
      )
      .map(([local, domain]) => `${local}@${domain}`);
    const field = fc.constantFrom('reason', 'detail', 'outcome', 'kind', 'email', 'from', 'x');
    fc.assert(
      fc.property(address, field, fc.string({ maxLength: 20 }), (addr, name, noise) => {
        printed.length = 0;
        log('WARN', `${noise} ${addr}`, { [name]: `${noise}<${addr}>`, verdicts: [addr] });
        const text = printed.join('\n');
        return !text.includes(addr);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the invocation context and correlation', () => {
  it('puts the function, request id and correlation id on each line, and clears it after', async () => {
    const handler = middy(async () => {
      correlate('T-10001');
      log('INFO', 'inside');
    }).use(observability('claim-ticket'));
    await handler({}, context());
    log('INFO', 'after');
    const [inside, after] = records();
    expect(inside).toMatchObject({
      function_name: 'claim-ticket-fn',
      function_request_id: 'req-1',
      correlation_id: 'T-10001',
    });
    expect(after?.correlation_id).toBeUndefined();
  });

  it('stands in a context for the local pollers, which pass none', async () => {
    const handler = middy(async () => log('INFO', 'polled')).use(observability('mailer'));
    await handler({}, undefined as unknown as Context);
    expect(records()[0]).toMatchObject({ function_name: 'local-mailer' });
  });
});

describe('the local stack (LOG_FORMAT=json, its default)', () => {
  it('prints one compact JSON line per record through the console, which npm start > file keeps', () => {
    process.env.LOG_FORMAT = 'json';
    log('INFO', 'mail taken in', { outcome: 'ticket', ticketId: 'T-10001', email: PERSONAL.email });
    expect(console.log).toHaveBeenCalledTimes(1);
    expect(printed).toHaveLength(1);
    expect(JSON.parse(printed[0] ?? '')).toMatchObject({
      level: 'INFO',
      message: 'mail taken in',
      outcome: 'ticket',
      ticketId: 'T-10001',
      dropped: ['email'],
    });
    expect(printed[0]).not.toContain('victim');
  });
});

describe('readable local lines (LOG_FORMAT=text)', () => {
  it('prints time, level, function, message and fields on one line, through the console', () => {
    process.env.LOG_FORMAT = 'text';
    log('WARN', 'acknowledgement rate limit per mailbox reached', {
      ticketId: 'T-10001',
      email: PERSONAL.email,
    });
    // Every level goes to stdout, where npm start > file and the corpus runner read it.
    expect(console.log).toHaveBeenCalledTimes(1);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(
      /^\d{2}:\d{2}:\d{2}\.\d{3} {2}WARN {3}(\S+ {2})?acknowledgement rate limit per mailbox reached {2}ticketId=T-10001 {2}dropped=\["email"\]$/,
    );
    expect(printed[0]).not.toContain('victim');
  });

  it('formats any record the same way', () => {
    expect(
      readableLine({
        level: 'INFO',
        message: 'mail taken in',
        timestamp: '2026-12-04T10:00:01.234Z',
        function_name: 'local-intake',
        service: 'servicedesk',
        verdicts: { spf: 'PASS' },
      }),
    ).toBe('10:00:01.234  INFO   intake  mail taken in  verdicts={"spf":"PASS"}');
  });
});

function context(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'claim-ticket-fn',
    functionVersion: '1',
    invokedFunctionArn: 'arn:aws:lambda:eu-central-1:000000000000:function:claim-ticket-fn',
    memoryLimitInMB: '512',
    awsRequestId: 'req-1',
    logGroupName: 'g',
    logStreamName: 's',
    getRemainingTimeInMillis: () => 1000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

describe('correlation ids where a ticket or a request exists', () => {
  it('the submission’s two acknowledgement lines go through the logger with the correlation id', async () => {
    const { acknowledge } = await import('../../../functions/app/submit-ticket');
    process.env.LOG_FORMAT = 'json';
    correlate('T-10042');
    const event = {
      kind: 'acknowledgement' as const,
      eventId: 'ack.T-10042',
      ticketId: 'T-10042',
      tokenNonce: 'n',
    };
    const failingQueue = { publish: () => Promise.reject(new Error('queue down')) };
    const tickets = { settleAcknowledgement: () => Promise.reject(new Error('table down')) };
    const deps = { log: { write: log }, tickets, outbox: failingQueue } as unknown as Parameters<
      typeof acknowledge
    >[0];
    expect(await acknowledge(deps, event)).toBe(false);
    expect(
      await acknowledge({ ...deps, outbox: { publish: () => Promise.resolve() } }, event),
    ).toBe(true);
    expect(records().map((r) => [r.message, r.correlation_id, r.ticketId])).toEqual([
      ['acknowledgement not queued', 'T-10042', 'T-10042'],
      ['acknowledgement queued but still marked pending', 'T-10042', 'T-10042'],
    ]);
  });

  it('a scheduled job’s lines carry its invocation’s request id as correlation id', async () => {
    const { jobHandler } = await import('../../../functions/shared/job-handler');
    process.env.LOG_FORMAT = 'json';
    const job = jobHandler('test-job', async () => log('INFO', 'job ran', { looked: 1 }));
    await job(undefined, { functionName: 'job', awsRequestId: 'req-7' } as Context);
    expect(records()).toEqual([
      expect.objectContaining({ message: 'job ran', correlation_id: 'req-7' }),
    ]);
  });
});
