import { describe, expect, it } from 'vitest';
import { recordAgentAnswer, updateTicket } from '../../../functions/app/change-ticket';
import { ClaimCandidates } from '../../../functions/app/claim-candidates';
import { claimNextTicket } from '../../../functions/app/claim-next-ticket';
import { deliverMail } from '../../../functions/app/deliver-mail';
import { measureQueue } from '../../../functions/app/measure-queue';
import type { QueueStatistics } from '../../../functions/app/ports';
import { submitTicket, type TicketSubmission } from '../../../functions/app/submit-ticket';
import { sweepAcknowledgements } from '../../../functions/app/sweep-acknowledgements';
import type { Customer } from '../../../functions/domain/customer';
import { outboxEvents } from '../../../functions/domain/mail/outbox-event';
import { ignoredMailReason } from '../../../functions/domain/metric-names';
import { automaticMailReason } from '../../../functions/domain/mail/mail-policy';
import { admissionOf } from '../../../functions/domain/mail/sender-trust';
import { aTicket, FakeClock, fakeDeps, InMemoryOutbox, RecordingMetrics } from '../fakes';
import { fakeMailerDeps } from '../mail/mail-fakes';

const form: TicketSubmission = {
  name: 'Anna Berg',
  email: 'anna@acme.de',
  subject: 'Export fails',
  description: 'The monthly export stops at 50%.',
  severity: 'high',
  locale: 'en',
  channel: 'web',
};

const acme: Customer = {
  customerId: 'acme',
  name: 'ACME GmbH',
  domains: ['acme.de'],
  contacts: [],
  contract: {
    id: 'SMV-1',
    validFrom: '2026-01-01',
    includedMinutesPerMonth: 600,
    coveredServiceCodes: ['SUPPORT'],
  },
};

function withMetrics(now = '2026-05-04T08:00:00.000Z') {
  const metrics = new RecordingMetrics();
  return { deps: { ...fakeDeps(now), metrics }, metrics };
}

describe('tickets received', () => {
  it('are counted once per ticket made, by group and channel; a replay is not counted', async () => {
    const { deps, metrics } = withMetrics();
    await deps.customers.save(acme);
    await submitTicket(deps, form, 'key-1');
    await submitTicket(deps, form, 'key-1');
    await submitTicket(deps, { ...form, email: 'someone@else.example', channel: 'email' });
    expect(metrics.of('ticketsReceived')).toEqual([
      { value: 1, dimensions: { group: 'contract', channel: 'web' } },
      { value: 1, dimensions: { group: 'standard', channel: 'email' } },
    ]);
  });
});

describe('acknowledgements not queued', () => {
  it('are counted at submission and at each failed sweep, and not once queued', async () => {
    const { deps, metrics } = withMetrics();
    deps.outbox.failing = true;
    await submitTicket(deps, form);
    deps.clock.set('2026-05-04T08:05:00.000Z');
    await sweepAcknowledgements(deps, { graceSeconds: 30 });
    expect(metrics.of('acknowledgementsNotQueued')).toEqual([{ value: 1 }, { value: 1 }]);
    deps.outbox.failing = false;
    await sweepAcknowledgements(deps, { graceSeconds: 30 });
    expect(metrics.of('acknowledgementsNotQueued')).toHaveLength(2);
  });
});

describe('time to claim', () => {
  it('is the time from receipt to the claim, by group', async () => {
    const metrics = new RecordingMetrics();
    const { tickets } = fakeDeps();
    tickets.seed(
      aTicket({ ticketId: 'T-1', group: 'contract', receivedAt: '2026-05-04T08:30:00.000Z' }),
    );
    const clock = new FakeClock('2026-05-04T09:00:00.000Z');
    const claimCandidates = new ClaimCandidates(tickets, clock);
    await claimNextTicket({ tickets, claimCandidates, clock, metrics }, 'alice');
    expect(await claimNextTicket({ tickets, claimCandidates, clock, metrics }, 'bob')).toBe(
      undefined,
    );
    expect(metrics.of('timeToClaim')).toEqual([
      { value: 30 * 60_000, dimensions: { group: 'contract' } },
    ]);
  });
});

describe('service-level business time', () => {
  it('is measured once at the first response and once at the resolution, in business time', async () => {
    // Monday 2026-05-04, 10:00 Berlin: the office-hours plan is open 08:00–17:00.
    const { deps, metrics } = withMetrics('2026-05-04T08:00:00.000Z');
    await deps.customers.save(acme);
    const { ticket } = await submitTicket(deps, form);
    expect(ticket.group).toBe('contract');
    const all = { ...deps, outbox: new InMemoryOutbox() };

    deps.clock.set('2026-05-04T08:30:00.000Z');
    await updateTicket(all, ticket.ticketId, 'alice', { status: 'in_progress' });
    await recordAgentAnswer(all, ticket.ticketId, '2026-05-04T09:00:00.000Z');
    // A second answer changes nothing and measures nothing.
    await recordAgentAnswer(all, ticket.ticketId, '2026-05-04T09:10:00.000Z');
    // Resolved after the office closed: business time stops at 17:00 Berlin (15:00 UTC).
    deps.clock.set('2026-05-04T18:00:00.000Z');
    await updateTicket(all, ticket.ticketId, 'alice', { status: 'resolved' });

    expect(metrics.of('slaBusinessTime')).toEqual([
      { value: 60 * 60_000, dimensions: { target: 'firstResponse' } },
      { value: 7 * 60 * 60_000, dimensions: { target: 'resolution' } },
    ]);
  });

  it('is not measured for standard tickets', async () => {
    const { deps, metrics } = withMetrics();
    const { ticket } = await submitTicket(deps, form);
    await recordAgentAnswer(deps, ticket.ticketId, '2026-05-04T09:00:00.000Z');
    expect(metrics.of('slaBusinessTime')).toEqual([]);
  });
});

describe('acknowledgements sent, failed, suppressed and their lag', () => {
  it('measures sent acknowledgements and their lag from the ticket’s receipt', async () => {
    const metrics = new RecordingMetrics();
    const deps = { ...fakeMailerDeps('2026-05-04T08:00:12.000Z'), metrics };
    deps.tickets.seed(
      aTicket({
        ticketId: 'T-1',
        receivedAt: '2026-05-04T08:00:00.000Z',
        requester: { name: 'Jörg', email: 'joerg@acme.de' },
      }),
    );
    await deliverMail(deps, outboxEvents.acknowledgement('T-1', 'nonce'));
    // Sent twice (a redelivery): measured once.
    await deliverMail(deps, outboxEvents.acknowledgement('T-1', 'nonce'));
    expect(metrics.of('acknowledgementsSent')).toEqual([{ value: 1 }]);
    expect(metrics.of('acknowledgementLag')).toEqual([{ value: 12_000 }]);
  });

  it('counts a failed send (retried later) and a suppressed one, and no lag for them', async () => {
    const metrics = new RecordingMetrics();
    const deps = { ...fakeMailerDeps(), metrics };
    deps.tickets.seed(
      aTicket({ ticketId: 'T-1', requester: { name: 'Jörg', email: 'joerg@acme.de' } }),
      aTicket({ ticketId: 'T-2', requester: { name: 'Bot', email: 'no-reply@acme.de' } }),
    );
    deps.sender.failures.push(new Error('SES is down'));
    await expect(deliverMail(deps, outboxEvents.acknowledgement('T-1', 'n'))).rejects.toThrow();
    await deliverMail(deps, outboxEvents.acknowledgement('T-2', 'n'));
    expect(metrics.of('acknowledgementsFailed')).toEqual([{ value: 1 }]);
    expect(metrics.of('acknowledgementsSuppressed')).toEqual([{ value: 1 }]);
    expect(metrics.of('acknowledgementsSent')).toEqual([]);
    expect(metrics.of('acknowledgementLag')).toEqual([]);
  });

  it('measures nothing for other mail (an agent reply)', async () => {
    const metrics = new RecordingMetrics();
    const deps = { ...fakeMailerDeps(), metrics };
    deps.tickets.seed(aTicket({ ticketId: 'T-1' }));
    await deliverMail(deps, outboxEvents.agentReply('T-1', 'missing-message'));
    expect(metrics.recorded).toEqual([]);
  });
});

describe('the queue measured', () => {
  it('records depth and the oldest ticket’s wait per group, 0 for an empty group', async () => {
    const metrics = new RecordingMetrics();
    const queueStatistics: QueueStatistics = {
      waitingByGroup: async () => ({
        contract: { waiting: 3, oldestReceivedAt: '2026-05-04T08:45:00.000Z' },
        standard: { waiting: 0 },
      }),
    };
    const measured = await measureQueue({
      queueStatistics,
      clock: new FakeClock('2026-05-04T09:00:00.000Z'),
      metrics,
    });
    expect(measured).toEqual({
      contract: { waiting: 3, oldestWaitingMs: 15 * 60_000 },
      standard: { waiting: 0, oldestWaitingMs: 0 },
    });
    expect(metrics.recorded).toEqual([
      { key: 'queueDepth', value: 3, dimensions: { group: 'contract' } },
      { key: 'oldestWaiting', value: 15 * 60_000, dimensions: { group: 'contract' } },
      { key: 'queueDepth', value: 0, dimensions: { group: 'standard' } },
      { key: 'oldestWaiting', value: 0, dimensions: { group: 'standard' } },
    ]);
  });
});

describe('ignored mail reasons', () => {
  it('maps what the intake says to a small set of dimension values', () => {
    const refused = admissionOf({ spam: 'FAIL', virus: 'PASS' });
    expect(refused.admit === 'refuse' && ignoredMailReason(refused.reason)).toBe('spam-or-virus');
    const auto = automaticMailReason({ 'auto-submitted': 'auto-replied' }, 'x@acme.de', {
      subject: 'Out of office',
      partTypes: [],
    });
    expect(ignoredMailReason(auto ?? '')).toBe('auto-reply');
    const list = automaticMailReason({ 'list-id': '<l.acme.de>' }, 'x@acme.de', {
      subject: 'News',
      partTypes: [],
    });
    expect(ignoredMailReason(list ?? '')).toBe('mailing-list');
    const bounce = automaticMailReason({}, 'x@acme.de', {
      subject: 'Undelivered',
      partTypes: [],
      envelopeSender: '',
    });
    expect(ignoredMailReason(bounce ?? '')).toBe('bounce');
    expect(ignoredMailReason('Precedence: bulk')).toBe('mailing-list');
    expect(ignoredMailReason('mail loop (X-Loop)')).toBe('mail-loop');
    expect(ignoredMailReason('machine sender mailer')).toBe('machine-sender');
    expect(ignoredMailReason('something new')).toBe('other');
  });
});
