import { describe, expect, it } from 'vitest';
import {
  addressHash,
  anonymiseMessage,
  anonymiseTicket,
  anonymiseWorkEntry,
  billingCutoffMonth,
  ERASED,
  monthsBefore,
  monthsBetween,
  retentionCutoff,
} from '../../../functions/domain/privacy';
import type { Ticket } from '../../../functions/domain/ticket';
import type { WorkEntry } from '../../../functions/domain/work-entry';

const AT = '2026-05-04T08:00:00.000Z';
const ticket: Ticket = {
  ticketId: 'T-10001',
  status: 'closed',
  group: 'standard',
  severity: 'normal',
  receivedAt: AT,
  subject: 'Drucker von Erika',
  description: 'Bitte Erika anrufen',
  channel: 'web',
  locale: 'de',
  requester: { name: 'Erika', email: 'erika@example.org', phone: '+49 171 1' },
  customer: { id: 'acme', name: 'ACME GmbH' },
  attachments: [{ filename: 'erika.txt', contentType: 'text/plain', size: 3, key: 'k' }],
  updatedAt: AT,
  version: 3,
};

describe('anonymisation (SPEC §13)', () => {
  it('removes the requester, text and files of a ticket, once', () => {
    const erased = anonymiseTicket(ticket, AT, 'erasure');
    expect(JSON.stringify(erased)).not.toMatch(/Erika|erika|\+49/);
    expect(erased).toMatchObject({
      requester: { name: ERASED },
      customer: { id: 'acme', name: 'ACME GmbH' },
      anonymised: { at: AT, reason: 'erasure' },
      version: 3,
    });
    expect(anonymiseTicket(erased, '2027-01-01T00:00:00.000Z', 'retention')).toBe(erased);
  });

  it('erases message bodies and customer authors, keeps agents', () => {
    const base = {
      messageId: 'm',
      ticketId: 'T-10001',
      internal: false,
      channel: 'email' as const,
      createdAt: AT,
      rawMailKey: 'incoming/x',
    };
    const customer = anonymiseMessage({
      ...base,
      author: { kind: 'customer', name: 'Erika', email: 'erika@example.org' },
      body: 'Gruß Erika',
    });
    expect(customer).toEqual({
      ...base,
      rawMailKey: undefined,
      author: { kind: 'customer', name: ERASED },
      body: ERASED,
    });
    expect(customer && anonymiseMessage(customer)).toBeUndefined();
    const agent = anonymiseMessage({
      ...base,
      author: { kind: 'agent', name: 'alice' },
      body: 'Hallo Erika',
    });
    expect(agent?.author).toEqual({ kind: 'agent', name: 'alice' });
    expect(agent?.body).toBe(ERASED);
  });

  it('keeps amounts, dates, codes and minutes of billing records', () => {
    const entry: WorkEntry = {
      entryId: 'w',
      ticketId: 'T-10001',
      agent: 'alice',
      date: '2026-05-04',
      minutes: 30,
      serviceCode: 'REMOTE',
      serviceName: 'Fernwartung',
      unit: 'quarter_hour',
      description: 'Telefonat mit Erika',
      coveredMinutes: 0,
      billableMinutes: 30,
      quantity: 2,
      unitPriceCents: 3900,
      amountCents: 7800,
      currency: 'EUR',
      priceListVersion: 0,
      customer: { id: null, name: 'Erika' },
      recordedAt: AT,
    };
    const erased = anonymiseWorkEntry(entry);
    expect(erased).toEqual({ ...entry, description: ERASED, customer: { id: null, name: ERASED } });
    expect(erased && anonymiseWorkEntry(erased)).toBeUndefined();
    expect(erased && anonymiseWorkEntry(erased, true)?.agent).toBe(ERASED);
    const company = { ...entry, customer: { id: 'acme', name: 'ACME GmbH' } };
    expect(anonymiseWorkEntry(company)?.customer).toEqual({ id: 'acme', name: 'ACME GmbH' });
  });

  it('computes the cutoffs and month ranges', () => {
    expect(retentionCutoff(new Date('2026-05-04T08:00:00.000Z'), 24)).toBe(
      '2024-05-04T08:00:00.000Z',
    );
    expect(billingCutoffMonth(new Date('2026-05-04T08:00:00.000Z'), 10)).toBe('2015-12');
    expect(monthsBefore('2026-02', 3)).toBe('2025-11');
    expect(monthsBetween('2025-11', '2026-02')).toEqual([
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
    ]);
    expect(addressHash(' Erika@Example.org')).toBe(addressHash('erika@example.org'));
    expect(addressHash('erika@example.org')).not.toContain('erika');
  });
});
