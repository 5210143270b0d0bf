import { describe, expect, it } from 'vitest';
import { deliverMail } from '../../../functions/app/deliver-mail';
import { takeMailFeedback, type MailFeedbackDeps } from '../../../functions/app/mail-feedback';
import type { PortalTickets, StoredTicket } from '../../../functions/app/ports';
import {
  suppressedRecipients,
  type MailFeedback,
} from '../../../functions/domain/mail/mail-feedback';
import { suppressedMailReason } from '../../../functions/domain/mail/mail-policy';
import { outboxEvents } from '../../../functions/domain/mail/outbox-event';
import { portalPartitionOf } from '../../../functions/domain/portal';
import { feedbackOf } from '../../../functions/jobs/mail-feedback';
import {
  aTicket,
  InMemoryCustomerRepository,
  InMemoryMessageRepository,
  InMemoryTicketRepository,
} from '../fakes';
import { fakeMailerDeps, InMemorySuppressions } from './mail-fakes';

const AT = '2026-05-04T09:00:00.000Z';

const bounce = (overrides: Partial<Extract<MailFeedback, { kind: 'bounce' }>> = {}) =>
  ({
    kind: 'bounce',
    feedbackId: 'fb-1',
    bounceType: 'Permanent',
    bounceSubType: 'General',
    recipients: [
      { email: 'gone@acme.de', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' },
    ],
    at: AT,
    ...overrides,
  }) satisfies MailFeedback;

describe('the mail policy for suppressed addresses (a plain rule)', () => {
  it('suppresses a permanent bounce and every complaint, not a transient or undetermined bounce', () => {
    expect(suppressedRecipients(bounce())).toEqual([
      {
        email: 'gone@acme.de',
        suppression: { reason: 'bounce', at: AT, feedbackId: 'fb-1' },
        note: expect.stringContaining(
          'Mail to the requester bounced: permanent (General), 5.1.1 smtp; 550 5.1.1 user unknown',
        ),
      },
    ]);
    expect(suppressedRecipients(bounce({ bounceType: 'Transient' }))).toEqual([]);
    expect(suppressedRecipients(bounce({ bounceType: 'Undetermined' }))).toEqual([]);
    const complaint = suppressedRecipients({
      kind: 'complaint',
      feedbackId: 'fb-2',
      feedbackType: 'abuse',
      recipients: [{ email: 'angry@acme.de' }],
      at: AT,
    });
    expect(complaint).toHaveLength(1);
    expect(complaint[0]?.suppression.reason).toBe('complaint');
    expect(complaint[0]?.note).toContain('marked our mail as spam (abuse)');
  });

  it('keeps a long or multi-line diagnostic out of the note but its first 300 characters', () => {
    const [note] = suppressedRecipients(
      bounce({ recipients: [{ email: 'x@acme.de', diagnosticCode: `a\r\nb${'z'.repeat(1000)}` }] }),
    );
    expect(note?.note).not.toMatch(/[\r\n]/);
    expect(note?.note.length).toBeLessThan(500);
  });

  it('holds back customer mail to a suppressed address, never the agents’ or finance’s', () => {
    const record = { reason: 'bounce', at: AT, feedbackId: 'fb-1' } as const;
    for (const kind of [
      'acknowledgement',
      'agent-reply',
      'billing-notice',
      'portal-sign-in',
    ] as const) {
      expect(suppressedMailReason(kind, record), kind).toBe('the address bounced permanently');
    }
    expect(suppressedMailReason('sla-escalation', record)).toBeUndefined();
    expect(suppressedMailReason('finance-notice', record)).toBeUndefined();
    expect(suppressedMailReason('acknowledgement', undefined)).toBeUndefined();
    expect(suppressedMailReason('agent-reply', { ...record, reason: 'complaint' })).toBe(
      'the recipient complained about our mail',
    );
  });
});

describe('the mailer and a suppressed address', () => {
  it('sends no acknowledgement and counts no rate limit; an address that only differs in case is the same', async () => {
    const deps = fakeMailerDeps();
    deps.tickets.seed(
      aTicket({ ticketId: 'T-1', requester: { name: 'G', email: 'Gone@ACME.de' } }),
    );
    await deps.suppressions.record('gone@acme.de', { reason: 'bounce', at: AT, feedbackId: 'f' });
    const outcome = await deliverMail(deps, outboxEvents.acknowledgement('T-1', 'n'));
    expect(outcome).toEqual({
      outcome: 'suppressed',
      reason: 'no mail to this address: the address bounced permanently',
    });
    expect(deps.sender.sent).toEqual([]);
    // Done: a redelivery sends nothing either.
    expect(await deliverMail(deps, outboxEvents.acknowledgement('T-1', 'n'))).toEqual({
      outcome: 'duplicate',
    });
  });

  it('still escalates the ticket to the agents', async () => {
    const deps = fakeMailerDeps();
    deps.tickets.seed(
      aTicket({
        ticketId: 'T-2',
        requester: { name: 'G', email: 'gone@acme.de' },
        group: 'contract',
        sla: {
          planId: 'office-hours',
          firstResponseDue: '2026-05-04T10:00:00.000Z',
          resolutionDue: '2026-05-05T10:00:00.000Z',
          firstResponse: 'pending',
          resolution: 'pending',
        } as unknown as StoredTicket['sla'],
      }),
    );
    await deps.suppressions.record('gone@acme.de', {
      reason: 'complaint',
      at: AT,
      feedbackId: 'f',
    });
    const outcome = await deliverMail(deps, {
      kind: 'sla-escalation',
      eventId: 'sla.T-2.firstResponseWarning.team',
      ticketId: 'T-2',
      stage: 'firstResponseWarning',
      recipient: 'team',
    });
    expect(outcome.outcome).toBe('sent');
  });
});

/** The portal index over the in-memory tickets: a requester's partition, newest first. */
function portalOf(tickets: InMemoryTicketRepository): PortalTickets {
  return {
    portalPage: async (partition) => ({
      items: tickets
        .all()
        .filter((t) => portalPartitionOf(t) === partition)
        .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt)),
    }),
    hasPortalTickets: async () => true,
    receivedBetween: async function* () {},
  };
}

function feedbackDeps(...seeded: StoredTicket[]) {
  const tickets = new InMemoryTicketRepository();
  tickets.seed(...seeded);
  const messages = new InMemoryMessageRepository();
  const suppressions = new InMemorySuppressions();
  const deps: MailFeedbackDeps = {
    suppressions,
    tickets,
    portalTickets: portalOf(tickets),
    customers: new InMemoryCustomerRepository(),
    messages,
    mailLog: { ticketOfMessageIds: async () => undefined },
  };
  return { deps, messages, suppressions };
}

describe('takeMailFeedback', () => {
  const mine = (ticketId: string, status: StoredTicket['status'] = 'open') =>
    aTicket({ ticketId, status, requester: { name: 'G', email: 'gone@acme.de' } });

  it('suppresses the address and notes every ticket of it that is not closed, once however often SES reports', async () => {
    const { deps, messages, suppressions } = feedbackDeps(
      mine('T-1'),
      mine('T-2', 'waiting_customer'),
      mine('T-3', 'closed'),
      aTicket({ ticketId: 'T-4', requester: { name: 'O', email: 'other@acme.de' } }),
    );
    const mail = { sesMessageId: 'm-1', region: 'eu-central-1', ticketId: 'T-1' };
    const first = await takeMailFeedback(deps, bounce(), mail);
    expect(first.suppressed).toBe(1);
    expect(first.notedTickets.sort()).toEqual(['T-1', 'T-2']);
    await takeMailFeedback(deps, bounce(), mail);
    for (const ticketId of ['T-1', 'T-2']) {
      const notes = await messages.list(ticketId);
      expect(notes, ticketId).toHaveLength(1);
      expect(notes[0]).toMatchObject({
        internal: true,
        author: { kind: 'agent', name: 'mail delivery' },
        createdAt: AT,
      });
    }
    expect(await messages.list('T-3')).toEqual([]);
    expect(await messages.list('T-4')).toEqual([]);
    expect(await suppressions.find('GONE@acme.de')).toEqual({
      reason: 'bounce',
      at: AT,
      feedbackId: 'fb-1',
    });
  });

  it('changes nothing for a transient bounce, and never notes the tagged ticket of another requester', async () => {
    const { deps, messages, suppressions } = feedbackDeps(
      aTicket({ ticketId: 'T-9', requester: { name: 'O', email: 'other@acme.de' } }),
    );
    const mail = { sesMessageId: 'm-2', region: 'eu-central-1', ticketId: 'T-9' };
    expect(await takeMailFeedback(deps, bounce({ bounceType: 'Transient' }), mail)).toEqual({
      suppressed: 0,
      notedTickets: [],
    });
    expect(await suppressions.find('gone@acme.de')).toBeUndefined();
    await takeMailFeedback(deps, bounce(), mail);
    expect(await messages.list('T-9')).toEqual([]);
  });
});

describe('reading SES event records (the shapes SES publishes to SNS)', () => {
  const mail = {
    timestamp: '2017-08-05T00:40:02.012Z',
    source: 'Sender Name <sender@example.com>',
    messageId: 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000',
    destination: ['recipient@example.com'],
    tags: { 'ses:configuration-set': ['ConfigSet'], ticket: ['T-10001'] },
  };

  it('reads a Bounce record', () => {
    expect(
      feedbackOf({
        eventType: 'Bounce',
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: 'General',
          bouncedRecipients: [
            {
              emailAddress: 'recipient@example.com',
              status: '5.1.1',
              diagnosticCode: 'smtp; 550 5.1.1 user unknown',
            },
          ],
          timestamp: '2017-08-05T00:41:02.669Z',
          feedbackId: '01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000',
        },
        mail,
      }),
    ).toEqual({
      kind: 'bounce',
      feedbackId: '01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000',
      bounceType: 'Permanent',
      bounceSubType: 'General',
      recipients: [
        {
          email: 'recipient@example.com',
          status: '5.1.1',
          diagnosticCode: 'smtp; 550 5.1.1 user unknown',
        },
      ],
      at: '2017-08-05T00:41:02.669Z',
    });
  });

  it('reads a Complaint record, ignores other events, and refuses a Bounce without its bounce', () => {
    expect(
      feedbackOf({
        eventType: 'Complaint',
        complaint: {
          complainedRecipients: [{ emailAddress: 'recipient@example.com' }],
          timestamp: '2017-08-05T00:41:02.669Z',
          feedbackId: 'fb',
          complaintFeedbackType: 'abuse',
        },
        mail,
      }),
    ).toMatchObject({
      kind: 'complaint',
      feedbackType: 'abuse',
      recipients: [{ email: 'recipient@example.com' }],
    });
    expect(feedbackOf({ eventType: 'Delivery', mail })).toBeUndefined();
    expect(() => feedbackOf({ eventType: 'Bounce', mail })).toThrow(/without bounce/);
  });
});
