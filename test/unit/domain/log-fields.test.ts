import { describe, expect, it } from 'vitest';
import { LOG_FIELDS, logLine, scrubAddresses } from '../../../functions/domain/log-fields';

describe('logLine', () => {
  it('keeps ids and counts', () => {
    expect(
      JSON.parse(logLine('INFO', 'mail delivered', { eventId: 'ack.T-10001', entries: 3 })),
    ).toEqual({ level: 'INFO', message: 'mail delivered', eventId: 'ack.T-10001', entries: 3 });
  });

  it('drops fields that are not allowed, by name, and says which', () => {
    const line = JSON.parse(
      logLine('WARN', 'x', {
        ticketId: 'T-1',
        to: 'bomb@victim.example',
        name: 'Erika Mustermann',
        subject: 'Geheim',
      }),
    ) as Record<string, unknown>;
    expect(line).toEqual({
      level: 'WARN',
      message: 'x',
      ticketId: 'T-1',
      dropped: ['to', 'name', 'subject'],
    });
    expect(JSON.stringify(line)).not.toMatch(/bomb|victim|Erika|Geheim/);
  });

  it('scrubs addresses from allowed fields and the message, nested too', () => {
    const line = logLine('ERROR', 'failed for bomb@victim.example', {
      reason: 'acknowledgement rate limit reached for bomb+1@victim.example',
      detail: 'Message <abc.123@mail.gmail.com> from "Eve" <eve@evil.example>',
      verdicts: ['ok', 'x@y.example'],
      files: [{ key: 'monthly/2026-11/a.csv', owner: 'fin@corp.example' }],
    });
    expect(line).not.toMatch(/victim|gmail|evil|corp\.example|y\.example/);
    expect(JSON.parse(line)).toMatchObject({
      message: 'failed for <address>',
      reason: 'acknowledgement rate limit reached for <address>',
      verdicts: ['ok', '<address>'],
    });
  });

  it("keeps the ids SES made as they are (they look like addresses but are SES's)", () => {
    const id = '<0107018f-0001-ses@eu-central-1.amazonses.com>';
    expect(JSON.parse(logLine('INFO', 'm', { providerMessageId: id, eventId: id }))).toEqual({
      level: 'INFO',
      message: 'm',
      providerMessageId: id,
      eventId: '<<address>>',
    });
  });

  it('leaves undefined fields out', () => {
    expect(JSON.parse(logLine('INFO', 'm', { ticketId: undefined }))).toEqual({
      level: 'INFO',
      message: 'm',
    });
  });

  it('allows no field that names a person or holds their words', () => {
    for (const personal of ['to', 'from', 'email', 'name', 'subject', 'body', 'text', 'phone']) {
      expect(LOG_FIELDS as readonly string[]).not.toContain(personal);
    }
  });
});

describe('scrubAddresses', () => {
  it('leaves text without addresses alone', () => {
    expect(scrubAddresses('ticket T-10001 at 2026-12-04T10:00:00Z')).toBe(
      'ticket T-10001 at 2026-12-04T10:00:00Z',
    );
  });
});
