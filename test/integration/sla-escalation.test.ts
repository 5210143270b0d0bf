import { beforeAll, describe, expect, it } from 'vitest';
import {
  escalateServiceLevels,
  type EscalationDeps,
} from '../../functions/app/escalate-service-levels';
import { createDependencies } from '../../functions/shared/all-dependencies';
import { OPEN_CONTRACT, useStack, type SentMailInStore } from './harness';

const WHOLE_DAY = [['00:00', '24:00']];
const aroundTheClock = {
  name: 'Rund um die Uhr',
  timeZone: 'Europe/Berlin',
  region: 'none',
  businessHours: {
    mon: WHOLE_DAY,
    tue: WHOLE_DAY,
    wed: WHOLE_DAY,
    thu: WHOLE_DAY,
    fri: WHOLE_DAY,
    sat: WHOLE_DAY,
    sun: WHOLE_DAY,
  },
  targets: {
    critical: { firstResponseMinutes: 15, resolutionMinutes: 120 },
    high: { firstResponseMinutes: 30, resolutionMinutes: 240 },
    normal: { firstResponseMinutes: 60, resolutionMinutes: 480 },
    low: { firstResponseMinutes: 240, resolutionMinutes: 2400 },
  },
};
const MIN = 60_000;

/** The job as one Lambda instance runs it, at an instant the test chooses. */
function jobAt(iso: string): EscalationDeps {
  const base = createDependencies();
  return {
    tickets: base.tickets,
    outbox: base.outbox,
    serviceLevels: base.serviceLevels,
    clock: { now: () => new Date(iso) },
  };
}
const after = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

describe('SLA escalation job', () => {
  const { api, tokens } = useStack({
    admin: { sub: 'root', groups: ['admins'] },
    agent: { sub: 'alice', groups: ['agents'] },
  });

  beforeAll(async () => {
    await api.request('PUT', '/service-levels/always', {
      token: tokens.admin,
      body: aroundTheClock,
    });
    await api.request('PUT', '/customers/acme', {
      token: tokens.admin,
      body: {
        name: 'ACME',
        domains: ['acme.example'],
        contacts: [],
        contract: { ...OPEN_CONTRACT, serviceLevel: 'always' },
      },
    });
  });

  const escalationsOf = async (ticketId: string) =>
    await api.mailTo((m: SentMailInStore) => m.subject.includes(`[${ticketId}] SLA`));
  const to = (mails: SentMailInStore[], address: string) =>
    mails.filter((m) => m.destination.to.some((t) => t.includes(address)));

  it('costs nothing when nothing is due', async () => {
    const t = await api.submit({ email: 'ops@acme.example', severity: 'critical' });
    const run = await escalateServiceLevels(jobAt(after(t.receivedAt, MIN)));
    expect(run.looked).toBe(0);
    expect(await escalationsOf(t.ticketId)).toHaveLength(0);
  });

  it('both targets breached, nobody holding it, two concurrent runs: exactly four mails to the team', async () => {
    const t = await api.submit({ email: 'ops@acme.example', severity: 'critical' });
    const late = after(t.receivedAt, 200 * MIN);
    await Promise.all([escalateServiceLevels(jobAt(late)), escalateServiceLevels(jobAt(late))]);
    // Retried and later runs find nothing more to do (the earlier tests' tickets are done too).
    await escalateServiceLevels(jobAt(late));
    expect((await escalateServiceLevels(jobAt(after(late, 60 * MIN)))).looked).toBe(0);
    const mails = await escalationsOf(t.ticketId);
    expect(to(mails, 'agents@servicedesk.test')).toHaveLength(4);
    expect(mails).toHaveLength(4);
    const subjects = mails.map((m) => m.subject).sort();
    expect(subjects.filter((s) => s.includes('Warnung'))).toHaveLength(2);
    expect(subjects.filter((s) => s.includes('verletzt'))).toHaveLength(2);
    const view = await api.request('GET', `/tickets/${t.ticketId}`, { token: tokens.agent });
    // The view shows the clock, not its bookkeeping.
    expect(Object.keys(view.json.sla as object).sort()).toEqual([
      'firstResponse',
      'firstResponseDue',
      'planId',
      'resolution',
      'resolutionDue',
    ]);
  });

  it('warns the team and the assignee at 80 %; a first response stops the first-response stages', async () => {
    const t = await api.submit({ email: 'ops@acme.example', severity: 'critical' });
    await api.request('PATCH', `/tickets/${t.ticketId}`, {
      token: tokens.agent,
      body: { status: 'in_progress' },
    });
    // 80 % of 15 minutes is 12 minutes: the warning only.
    await Promise.all([
      escalateServiceLevels(jobAt(after(t.receivedAt, 12 * MIN + 1000))),
      escalateServiceLevels(jobAt(after(t.receivedAt, 12 * MIN + 1000))),
    ]);
    let mails = await escalationsOf(t.ticketId);
    expect(to(mails, 'agents@servicedesk.test')).toHaveLength(1);
    expect(to(mails, 'alice@servicedesk.test')).toHaveLength(1);
    expect(mails.every((m) => m.subject.includes('Warnung'))).toBe(true);
    // The agent answers: no first-response breach later, only the resolution's stages.
    await api.request('POST', `/tickets/${t.ticketId}/messages`, {
      token: tokens.agent,
      body: { body: 'Wir sind dran.' },
    });
    await escalateServiceLevels(jobAt(after(t.receivedAt, 100 * MIN)));
    mails = await escalationsOf(t.ticketId);
    expect(to(mails, 'agents@servicedesk.test')).toHaveLength(2);
    expect(to(mails, 'alice@servicedesk.test')).toHaveLength(2);
    expect(mails.filter((m) => m.subject.includes('verletzt'))).toHaveLength(0);
  });

  it('a ticket waiting for the customer gets no resolution escalation while paused', async () => {
    const t = await api.submit({ email: 'ops@acme.example', severity: 'critical' });
    await api.request('PATCH', `/tickets/${t.ticketId}`, {
      token: tokens.agent,
      body: { status: 'in_progress' },
    });
    await api.request('POST', `/tickets/${t.ticketId}/messages`, {
      token: tokens.agent,
      body: { body: 'Welche Version?' },
    });
    await api.request('PATCH', `/tickets/${t.ticketId}`, {
      token: tokens.agent,
      body: { status: 'waiting_customer' },
    });
    await escalateServiceLevels(jobAt(after(t.receivedAt, 500 * MIN)));
    expect(await escalationsOf(t.ticketId)).toHaveLength(0);
    // Back in progress, the resolution clock runs again: warned at 80 % (96 min), not before.
    await api.request('PATCH', `/tickets/${t.ticketId}`, {
      token: tokens.agent,
      body: { status: 'in_progress' },
    });
    await escalateServiceLevels(jobAt(after(t.receivedAt, 90 * MIN)));
    expect(await escalationsOf(t.ticketId)).toHaveLength(0);
    await escalateServiceLevels(jobAt(after(t.receivedAt, 97 * MIN)));
    const mails = await escalationsOf(t.ticketId);
    expect(to(mails, 'agents@servicedesk.test')).toHaveLength(1);
    expect(to(mails, 'alice@servicedesk.test')).toHaveLength(1);
  });
});
