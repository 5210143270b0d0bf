import { describe, expect, it } from 'vitest';
import { DeliveryInProgressError, deliverMail } from '../../../functions/app/deliver-mail';
import { ACKNOWLEDGEMENT_LIMIT } from '../../../functions/domain/mail/mail-policy';
import { addressHash } from '../../../functions/domain/privacy';
import { outboxEvents } from '../../../functions/domain/mail/outbox-event';
import type { TicketMessage } from '../../../functions/domain/message';
import type { WorkEntry } from '../../../functions/domain/work-entry';
import { aTicket } from '../fakes';
import { fakeMailerDeps, MAIL_SETTINGS } from './mail-fakes';

const TICKET_ID = 'T-10001';
const ack = outboxEvents.acknowledgement(TICKET_ID, 'tok-1');

function setup(overrides: Parameters<typeof aTicket>[0] = { ticketId: TICKET_ID }) {
  const deps = fakeMailerDeps();
  deps.tickets.seed(
    aTicket({
      subject: 'Drucker druckt nicht',
      requester: { name: 'Jörg Müller', email: 'joerg@acme.de' },
      ...overrides,
    }),
  );
  return deps;
}

function agentMessage(overrides: Partial<TicketMessage> & { messageId: string }): TicketMessage {
  return {
    ticketId: TICKET_ID,
    author: { kind: 'agent', name: 'Petra Schmidt', email: 'petra@servicedesk.example.com' },
    body: 'Bitte starten Sie den Drucker neu.',
    internal: false,
    channel: 'web',
    createdAt: '2026-05-04T08:30:00.000Z',
    ...overrides,
  };
}

function workEntry(overrides: Partial<WorkEntry> & { entryId: string }): WorkEntry {
  return {
    ticketId: TICKET_ID,
    agent: 'petra',
    date: '2026-05-04',
    minutes: 30,
    serviceCode: 'REMOTE',
    serviceName: 'Remote support',
    description: 'Driver reinstalled',
    coveredMinutes: 0,
    billableMinutes: 30,
    quantity: 2,
    unitPriceCents: 2999,
    amountCents: 5998,
    currency: 'EUR',
    unit: 'quarter_hour',
    priceListVersion: 1,
    customer: { id: 'acme', name: 'ACME GmbH' },
    recordedAt: '2026-05-04T09:00:00.000Z',
    ...overrides,
  };
}

describe('deliverMail: acknowledgement', () => {
  it('sends the acknowledgement once, from support to the requester', async () => {
    const deps = setup();

    const result = await deliverMail(deps, ack);

    expect(deps.sender.sent).toHaveLength(1);
    const mail = deps.sender.sent[0];
    expect(result).toEqual({ outcome: 'sent', providerMessageId: expect.any(String) });
    expect(mail).toMatchObject({
      eventId: ack.eventId,
      ticketId: TICKET_ID,
      kind: 'acknowledgement',
      from: MAIL_SETTINGS.supportAddress,
      to: 'joerg@acme.de',
      toName: 'Jörg Müller',
      // Random (the fake numbers them), never built from the ticket number: SPEC §14.
      messageId: '<own-1@servicedesk.example.com>',
      references: [],
      autoSubmitted: 'auto-replied',
    });
    expect(mail?.inReplyTo).toBeUndefined();
    expect(mail?.subject).toMatch(/^\[T-10001\] .*Drucker druckt nicht/);
    // German by default; the standard group hears about sales.
    expect(mail?.text).toContain('Guten Tag Jörg Müller');
    expect(mail?.text).toContain(MAIL_SETTINGS.salesPhone);
    expect(mail?.text).toContain(
      'https://support.example.com/status.html?ticket=T-10001&token=token-tok-1',
    );
  });

  it('records the sent mail with both message ids for threading', async () => {
    const deps = setup();

    const result = await deliverMail(deps, ack);

    if (result.outcome !== 'sent') throw new Error(`not sent: ${result.outcome}`);
    expect(await deps.mailLog.sentMails(TICKET_ID)).toEqual([
      {
        eventId: ack.eventId,
        ticketId: TICKET_ID,
        kind: 'acknowledgement',
        to: 'joerg@acme.de',
        subject: deps.sender.sent[0]?.subject,
        ownMessageId: '<own-1@servicedesk.example.com>',
        providerMessageId: result.providerMessageId,
        references: [],
        sentAt: '2026-05-04T08:00:00.000Z',
      },
    ]);
    expect(result.providerMessageId).toMatch(/@eu-central-1\.amazonses\.com>$/);
    expect(deps.mailLog.statusOf(ack.eventId)).toEqual({
      status: 'sent',
      providerMessageId: result.providerMessageId,
    });
  });

  it('uses the ticket locale and group', async () => {
    const deps = setup({ ticketId: TICKET_ID, locale: 'en', group: 'contract' });

    await deliverMail(deps, ack);

    const mail = deps.sender.sent[0];
    expect(mail?.text).toContain('Hello Jörg Müller');
    expect(mail?.text).not.toContain(MAIL_SETTINGS.salesPhone);
    expect(mail?.html).toContain('<html lang="en">');
  });

  it('tells a waiting standard ticket how many requests waited before it at receipt', async () => {
    const deps = setup({ ticketId: TICKET_ID, aheadAtReceipt: { contract: 2, standard: 5 } });

    await deliverMail(deps, ack);

    const mail = deps.sender.sent[0];
    expect(mail?.text).toContain('Als Ihre Anfrage einging, warteten 7 Anfragen vor Ihrer');
    expect(mail?.text).toContain('Später eingehende Anfragen mit Wartungsvertrag');
  });

  it('says nothing about the queue to contract tickets, tickets already taken, or without a receipt figure', async () => {
    for (const overrides of [
      { group: 'contract' as const, aheadAtReceipt: { contract: 2, standard: 5 } },
      { status: 'in_progress' as const, aheadAtReceipt: { contract: 2, standard: 5 } },
      // Stored before the figure was kept: no figure of a later moment instead.
      {},
    ]) {
      const deps = setup({ ticketId: TICKET_ID, ...overrides });
      await deliverMail(deps, ack);
      expect(deps.sender.sent[0]?.text).not.toMatch(/vor Ihrer/);
    }
  });

  it('claims the event with a lease before sending', async () => {
    const deps = setup();

    await deliverMail(deps, ack);

    const [first] = deps.mailLog.calls;
    expect(first).toMatchObject({ method: 'claim', eventId: ack.eventId });
    expect(first?.leaseSeconds).toBeGreaterThan(0);
    expect(deps.mailLog.calls.map((c) => c.method)).toEqual(['claim', 'recordSent']);
  });

  it('sends nothing for a second delivery of the same event', async () => {
    const deps = setup();
    await deliverMail(deps, ack);

    const again = await deliverMail(deps, ack);

    expect(again).toEqual({ outcome: 'duplicate' });
    expect(deps.sender.sent).toHaveLength(1);
    expect(await deps.mailLog.sentMails(TICKET_ID)).toHaveLength(1);
    // The duplicate does not count against the customer's rate limits either (mailbox, domain).
    expect(deps.rateLimiter.calls).toHaveLength(2);
  });

  it('throws DeliveryInProgressError while another worker holds the event', async () => {
    const deps = setup();
    expect(await deps.mailLog.claim(ack.eventId, 120)).toBe('go');

    await expect(deliverMail(deps, ack)).rejects.toBeInstanceOf(DeliveryInProgressError);

    expect(deps.sender.sent).toHaveLength(0);
    // It does not take the other worker's claim away.
    expect(deps.mailLog.statusOf(ack.eventId)).toMatchObject({ status: 'sending' });
  });

  it('retries a young lease after the backoff, an abandoned one after its end', async () => {
    const deps = setup();
    await deps.mailLog.claim(ack.eventId, 120);
    // Taken a moment ago: its worker is likely sending, the retry will find it done.
    const live = await deliverMail(deps, ack).catch((error: unknown) => error);
    expect(live).toBeInstanceOf(DeliveryInProgressError);
    expect((live as DeliveryInProgressError).retryAfterSeconds).toBeUndefined();
    // 30 s old: its worker died; the next receive comes a second after the lease's end.
    deps.clock.advance(30_000);
    const abandoned = await deliverMail(deps, ack).catch((error: unknown) => error);
    expect((abandoned as DeliveryInProgressError).retryAfterSeconds).toBe(91);
    expect(deps.sender.sent).toHaveLength(0);
  });

  it('sends once the other worker’s lease has run out', async () => {
    const deps = setup();
    await deps.mailLog.claim(ack.eventId, 120);
    deps.clock.advance(121_000);

    expect(await deliverMail(deps, ack)).toMatchObject({ outcome: 'sent' });
    expect(deps.sender.sent).toHaveLength(1);
  });

  it('releases the claim when sending fails, so that a retry sends', async () => {
    const deps = setup();
    const failure = new Error('SES throttled');
    deps.sender.failures.push(failure);

    await expect(deliverMail(deps, ack)).rejects.toBe(failure);
    expect(deps.sender.sent).toHaveLength(0);
    expect(deps.mailLog.statusOf(ack.eventId)).toBeUndefined();

    expect(await deliverMail(deps, ack)).toMatchObject({ outcome: 'sent' });
    expect(deps.sender.sent).toHaveLength(1);
    expect(await deliverMail(deps, ack)).toEqual({ outcome: 'duplicate' });
    expect(deps.sender.sent).toHaveLength(1);
  });

  it('keeps the claim when recording fails after sending: no second mail within the lease', async () => {
    const deps = setup();
    deps.mailLog.failNextRecord = new Error('DynamoDB unavailable');

    await expect(deliverMail(deps, ack)).rejects.toThrow('DynamoDB unavailable');
    expect(deps.sender.sent).toHaveLength(1);
    expect(deps.mailLog.calls.map((c) => c.method)).not.toContain('release');

    await expect(deliverMail(deps, ack)).rejects.toBeInstanceOf(DeliveryInProgressError);
    expect(deps.sender.sent).toHaveLength(1);
  });

  it.each(['noreply@acme.de', 'no-reply@acme.de', 'do-not-reply@acme.de', 'noreply+t1@acme.de'])(
    'sends no acknowledgement to %s',
    async (email) => {
      const deps = setup({ ticketId: TICKET_ID, requester: { name: 'Robot', email } });

      const result = await deliverMail(deps, ack);

      expect(result).toMatchObject({
        outcome: 'suppressed',
        reason: 'no acknowledgement to a no-reply address',
      });
      // The reason is logged: it names no address (SPEC §14).
      expect((result as { reason: string }).reason).not.toContain(email);
      expect(deps.sender.sent).toHaveLength(0);
      expect(deps.rateLimiter.calls).toHaveLength(0);
      expect(deps.mailLog.statusOf(ack.eventId)).toMatchObject({ status: 'suppressed' });
      expect(await deliverMail(deps, ack)).toEqual({ outcome: 'duplicate' });
    },
  );

  it('acknowledges an ordinary address that merely looks similar', async () => {
    const deps = setup({
      ticketId: TICKET_ID,
      requester: { name: 'Noreen', email: 'noreen@acme.de' },
    });

    expect(await deliverMail(deps, ack)).toMatchObject({ outcome: 'sent' });
  });

  it('stops acknowledging one address after the hourly limit, and resumes next window', async () => {
    const deps = fakeMailerDeps('2026-05-04T08:00:00.000Z');
    const total = ACKNOWLEDGEMENT_LIMIT.max + 2;
    const ids = Array.from({ length: total }, (_, i) => `T-${10001 + i}`);
    deps.tickets.seed(
      ...ids.map((ticketId) =>
        aTicket({ ticketId, requester: { name: 'Anna', email: 'anna@acme.de' } }),
      ),
    );

    const outcomes = [];
    for (const ticketId of ids) {
      outcomes.push((await deliverMail(deps, outboxEvents.acknowledgement(ticketId, 't'))).outcome);
      deps.clock.advance(60_000);
    }

    expect(outcomes).toEqual([
      ...Array<string>(ACKNOWLEDGEMENT_LIMIT.max).fill('sent'),
      'suppressed',
      'suppressed',
    ]);
    expect(deps.sender.sent).toHaveLength(ACKNOWLEDGEMENT_LIMIT.max);
    expect(deps.mailLog.statusOf(`ack.${ids.at(-1)}`)).toEqual({
      status: 'suppressed',
      reason: expect.stringContaining('rate limit'),
    });

    deps.clock.set('2026-05-04T09:00:00.000Z');
    deps.tickets.seed(
      aTicket({ ticketId: 'T-20001', requester: { name: 'Anna', email: 'anna@acme.de' } }),
    );
    expect(await deliverMail(deps, outboxEvents.acknowledgement('T-20001', 't'))).toMatchObject({
      outcome: 'sent',
    });
  });

  it('counts the limit per address', async () => {
    const deps = fakeMailerDeps();
    const ids = Array.from({ length: ACKNOWLEDGEMENT_LIMIT.max }, (_, i) => `T-${10001 + i}`);
    deps.tickets.seed(
      ...ids.map((ticketId) => aTicket({ ticketId, requester: { name: 'A', email: 'a@acme.de' } })),
      aTicket({ ticketId: 'T-30001', requester: { name: 'B', email: 'b@acme.de' } }),
    );
    for (const ticketId of ids)
      await deliverMail(deps, outboxEvents.acknowledgement(ticketId, 't'));

    expect(await deliverMail(deps, outboxEvents.acknowledgement('T-30001', 't'))).toMatchObject({
      outcome: 'sent',
    });
  });

  it('suppresses mail for a ticket that does not exist', async () => {
    const deps = fakeMailerDeps();

    const result = await deliverMail(deps, outboxEvents.acknowledgement('T-99999', 't'));

    expect(result).toEqual({ outcome: 'suppressed', reason: expect.stringContaining('T-99999') });
    expect(deps.sender.sent).toHaveLength(0);
  });
});

describe('deliverMail: agent reply', () => {
  it('mails a public agent message without Auto-Submitted', async () => {
    const deps = setup();
    await deps.messages.add(agentMessage({ messageId: 'm1', body: 'Bitte <neu> starten.' }));

    const result = await deliverMail(deps, outboxEvents.agentReply(TICKET_ID, 'm1'));

    expect(result).toMatchObject({ outcome: 'sent' });
    const mail = deps.sender.sent[0];
    expect(mail?.kind).toBe('agent-reply');
    expect(mail?.subject).toBe('Re: [T-10001] Drucker druckt nicht');
    expect(mail?.text).toContain('Bitte <neu> starten.');
    expect(mail?.text).toContain('Petra Schmidt');
    expect(mail?.html).toContain('Bitte &lt;neu&gt; starten.');
    expect(mail?.autoSubmitted).toBeUndefined();
    expect(mail?.messageId).toBe('<own-1@servicedesk.example.com>');
  });

  it('never mails an internal note', async () => {
    const deps = setup();
    await deps.messages.add(agentMessage({ messageId: 'm1', internal: true, body: 'Kunde nervt' }));

    const result = await deliverMail(deps, outboxEvents.agentReply(TICKET_ID, 'm1'));

    expect(result).toEqual({ outcome: 'suppressed', reason: expect.stringContaining('m1') });
    expect(deps.sender.sent).toHaveLength(0);
    expect(deps.mailLog.statusOf(`reply.${TICKET_ID}.m1`)).toMatchObject({ status: 'suppressed' });
  });

  it('suppresses a reply whose message does not exist', async () => {
    const deps = setup();

    const result = await deliverMail(deps, outboxEvents.agentReply(TICKET_ID, 'missing'));

    expect(result).toMatchObject({ outcome: 'suppressed' });
    expect(deps.sender.sent).toHaveLength(0);
  });

  it('is not rate-limited like acknowledgements', async () => {
    const deps = setup();
    const count = ACKNOWLEDGEMENT_LIMIT.max + 1;
    for (let i = 1; i <= count; i++) {
      await deps.messages.add(agentMessage({ messageId: `m${i}` }));
      await deliverMail(deps, outboxEvents.agentReply(TICKET_ID, `m${i}`));
    }
    expect(deps.sender.sent).toHaveLength(count);
    expect(deps.rateLimiter.calls).toHaveLength(0);
  });
});

describe('deliverMail: billing notice', () => {
  it('is suppressed when nothing is billable', async () => {
    const deps = setup();
    deps.workEntries.add(
      workEntry({
        entryId: 'w1',
        coveredMinutes: 30,
        billableMinutes: 0,
        quantity: 0,
        amountCents: 0,
      }),
    );

    const result = await deliverMail(deps, outboxEvents.billingNotice(TICKET_ID, 1));

    expect(result).toEqual({ outcome: 'suppressed', reason: 'nothing billable' });
    expect(deps.sender.sent).toHaveLength(0);
  });

  it('lists the billable entries and is marked auto-generated', async () => {
    const deps = setup({ ticketId: TICKET_ID, locale: 'en' });
    deps.workEntries.add(
      workEntry({ entryId: 'w1' }),
      workEntry({
        entryId: 'w2',
        serviceCode: 'ONSITE',
        serviceName: 'On-site visit',
        quantity: 1,
        unitPriceCents: 15000,
        amountCents: 15000,
      }),
      workEntry({ entryId: 'w3', ticketId: 'T-99999', amountCents: 100 }),
    );

    const result = await deliverMail(deps, outboxEvents.billingNotice(TICKET_ID, 1));

    expect(result).toMatchObject({ outcome: 'sent' });
    const mail = deps.sender.sent[0];
    expect(mail?.autoSubmitted).toBe('auto-generated');
    expect(mail?.subject).toMatch(/^\[T-10001\] Billing notice: Drucker druckt nicht$/);
    expect(mail?.text).toContain('Remote support (REMOTE)');
    expect(mail?.text).toContain('On-site visit (ONSITE)');
    expect(mail?.text).toContain('Total (net): €209.98');
    expect(mail?.messageId).toBe('<own-1@servicedesk.example.com>');
  });
});

describe('deliverMail: threading', () => {
  it('threads each mail under the earlier ones by own and provider ids', async () => {
    const deps = setup();
    await deps.messages.add(agentMessage({ messageId: 'm1' }));
    await deps.messages.add(agentMessage({ messageId: 'm2' }));

    const first = await deliverMail(deps, ack);
    const second = await deliverMail(deps, outboxEvents.agentReply(TICKET_ID, 'm1'));
    const third = await deliverMail(deps, outboxEvents.agentReply(TICKET_ID, 'm2'));

    if (first.outcome !== 'sent' || second.outcome !== 'sent' || third.outcome !== 'sent') {
      throw new Error('all three should be sent');
    }
    const [mail1, mail2, mail3] = deps.sender.sent;
    expect(mail1?.inReplyTo).toBeUndefined();
    expect(mail1?.references).toEqual([]);

    expect(mail2?.inReplyTo).toBe(first.providerMessageId);
    expect(mail2?.references).toEqual([mail1?.messageId, first.providerMessageId]);

    expect(mail3?.inReplyTo).toBe(second.providerMessageId);
    expect(mail3?.references).toEqual([
      mail1?.messageId,
      first.providerMessageId,
      mail2?.messageId,
      second.providerMessageId,
    ]);
    expect(new Set(deps.sender.sent.map((m) => m.messageId)).size).toBe(3);

    const recorded = await deps.mailLog.sentMails(TICKET_ID);
    expect(recorded[1]).toMatchObject({
      inReplyTo: first.providerMessageId,
      references: mail2?.references,
    });
  });

  it('answers the customer’s mail when that is the latest of the thread', async () => {
    const deps = setup();
    const first = await deliverMail(deps, ack);
    if (first.outcome !== 'sent') throw new Error('ack not sent');
    deps.clock.advance(10 * 60_000);
    await deps.mailLog.recordInbound({
      ticketId: TICKET_ID,
      messageId: 'CAF00@mail.gmail.com',
      receivedAt: deps.clock.now().toISOString(),
    });
    deps.clock.advance(10 * 60_000);
    await deps.messages.add(agentMessage({ messageId: 'm1' }));

    await deliverMail(deps, outboxEvents.agentReply(TICKET_ID, 'm1'));

    expect(deps.sender.sent[1]).toMatchObject({
      inReplyTo: '<CAF00@mail.gmail.com>',
      references: [
        '<own-1@servicedesk.example.com>',
        first.providerMessageId,
        '<CAF00@mail.gmail.com>',
      ],
    });
  });

  it('answers the customer’s mail with the acknowledgement of a ticket that came by mail', async () => {
    const deps = setup({ ticketId: TICKET_ID, channel: 'email' });
    const event = outboxEvents.acknowledgement(TICKET_ID, 'tok-1', {
      inReplyTo: '<CAF00@mail.gmail.com>',
    });

    await deliverMail(deps, event);

    expect(deps.sender.sent[0]).toMatchObject({
      inReplyTo: '<CAF00@mail.gmail.com>',
      references: ['<CAF00@mail.gmail.com>'],
    });
  });

  it('lists the customer’s mail once when intake also recorded it in the thread', async () => {
    const deps = setup({ ticketId: TICKET_ID, channel: 'email' });
    await deps.mailLog.recordInbound({
      ticketId: TICKET_ID,
      messageId: '<CAF00@mail.gmail.com>',
      receivedAt: '2026-05-04T07:59:59.000Z',
    });

    await deliverMail(
      deps,
      outboxEvents.acknowledgement(TICKET_ID, 'tok-1', { inReplyTo: 'CAF00@mail.gmail.com' }),
    );

    expect(deps.sender.sent[0]).toMatchObject({
      inReplyTo: '<CAF00@mail.gmail.com>',
      references: ['<CAF00@mail.gmail.com>'],
    });
  });

  it('keeps threads of different tickets apart', async () => {
    const deps = setup();
    deps.tickets.seed(aTicket({ ticketId: 'T-10002' }));

    await deliverMail(deps, ack);
    await deliverMail(deps, outboxEvents.acknowledgement('T-10002', 't2'));

    expect(deps.sender.sent[1]?.references).toEqual([]);
    expect(deps.sender.sent[1]?.inReplyTo).toBeUndefined();
  });
});

describe('deliverMail: rate limit and retries', () => {
  it('does not use up the acknowledgement limit with failed attempts of one event', async () => {
    const deps = setup();
    for (let i = 0; i < ACKNOWLEDGEMENT_LIMIT.max + 1; i++) {
      deps.sender.failures.push(new Error('SES throttled'));
    }
    for (let i = 0; i < ACKNOWLEDGEMENT_LIMIT.max + 1; i++) {
      await expect(deliverMail(deps, ack)).rejects.toThrow('SES throttled');
    }
    const result = await deliverMail(deps, ack);
    expect(result.outcome).toBe('sent');
    expect(deps.sender.sent).toHaveLength(1);
  });
});

describe('deliverMail: acknowledgement limits (SPEC §14)', () => {
  const limits = { mailbox: 5, domain: 3, client: 2, windowSeconds: 3600 };
  const seeded = (emails: string[]) => {
    const deps = fakeMailerDeps();
    deps.settings.acknowledgementLimits = limits;
    const ids = emails.map((_, i) => `T-${10001 + i}`);
    deps.tickets.seed(
      ...emails.map((email, i) =>
        aTicket({ ticketId: ids[i] ?? '', requester: { name: 'N', email } }),
      ),
    );
    return { deps, ids };
  };

  it('counts +tags and case as one mailbox', async () => {
    const emails = Array.from(
      { length: 7 },
      (_, i) => `Bomb+${i}@V${i % 2 ? 'ICTIM' : 'ictim'}.de`,
    );
    const { deps, ids } = seeded(emails);
    deps.settings.acknowledgementLimits = { ...limits, domain: 100 };
    const outcomes = [];
    for (const id of ids)
      outcomes.push((await deliverMail(deps, outboxEvents.acknowledgement(id, 'n'))).outcome);
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(5);
  });

  it('limits a domain across mailboxes, and names the limit, not the address', async () => {
    const { deps, ids } = seeded(['a@corp.de', 'b@corp.de', 'c@corp.de', 'd@corp.de']);
    const results = [];
    for (const id of ids)
      results.push(await deliverMail(deps, outboxEvents.acknowledgement(id, 'n')));
    expect(results.map((r) => r.outcome)).toEqual(['sent', 'sent', 'sent', 'suppressed']);
    expect(results[3]).toEqual({
      outcome: 'suppressed',
      reason: 'acknowledgement rate limit per domain reached',
    });
  });

  it('limits a client address only for events that name one', async () => {
    const { deps, ids } = seeded(['a@x1.de', 'a@x2.de', 'a@x3.de', 'a@x4.de']);
    const results = [];
    for (const id of ids.slice(0, 3)) {
      results.push(
        await deliverMail(deps, outboxEvents.acknowledgement(id, 'n', { client: 'h1' })),
      );
    }
    expect(results.map((r) => r.outcome)).toEqual(['sent', 'sent', 'suppressed']);
    expect(results[2]).toMatchObject({ reason: 'acknowledgement rate limit per client reached' });
    // Mail has no client address: only mailbox and domain count.
    expect(await deliverMail(deps, outboxEvents.acknowledgement(ids[3] ?? '', 'n'))).toMatchObject({
      outcome: 'sent',
    });
  });

  it('puts the token derived from the event nonce into the link, never another', async () => {
    const { deps, ids } = seeded(['t@token.de']);
    await deliverMail(deps, outboxEvents.acknowledgement(ids[0] ?? '', 'abc'));
    // The fake derives `token-<nonce>`: the mailer asked for the token of this nonce.
    expect(deps.sender.sent[0]?.text).toContain('token=token-abc');
  });
});

describe('deliverMail: confirm link (SPEC §14)', () => {
  it('gives an unverified requester a link to a page, with a code the mailer issued', async () => {
    const deps = setup();

    await deliverMail(deps, ack);

    const text = deps.sender.sent[0]?.text ?? '';
    const link = /https:\/\/support\.example\.com\/tickets\/T-10001\/confirm\?code=(\S+)/.exec(
      text,
    );
    expect(link?.[1]).toBe('code-1');
    expect(deps.sender.sent[0]?.html).toContain('/tickets/T-10001/confirm?code=code-1');
    expect(await deps.confirmations.find('code-1')).toEqual({
      ticketId: TICKET_ID,
      emailHash: addressHash('joerg@acme.de'),
    });
    // The code works for 30 days, then no longer.
    deps.clock.advance(30 * 86_400_000);
    expect(await deps.confirmations.find('code-1')).toBeUndefined();
  });

  it('asks nothing of a requester whose address is verified', async () => {
    const deps = setup({
      ticketId: TICKET_ID,
      requesterVerified: true,
      requesterVerifiedBy: 'mail',
    });

    await deliverMail(deps, ack);

    expect(deps.sender.sent[0]?.text).not.toContain('/confirm');
    expect(await deps.confirmations.find('code-1')).toBeUndefined();
  });

  it('never builds a Message-ID from the ticket number or the event', async () => {
    const deps = setup();
    await deliverMail(deps, ack);
    const mail = deps.sender.sent[0];
    expect(mail?.messageId).not.toContain('T-10001');
    expect(mail?.messageId).not.toContain(ack.eventId);
  });
});
