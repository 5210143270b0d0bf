import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../../functions/domain/service-levels/business-time';
import {
  DEFAULT_PLANS,
  type ServiceLevelPlan,
} from '../../../functions/domain/service-levels/plan';
import {
  contractCoversMonth,
  median,
  ServiceLevelTally,
} from '../../../functions/domain/service-levels/report';
import {
  changeStatus,
  recordFirstResponse,
  startClock,
  type SlaClock,
} from '../../../functions/domain/service-levels/sla-clock';
import { aTicket } from '../fakes';

const office = DEFAULT_PLANS[0] as ServiceLevelPlan;
const calendar = new BusinessCalendar(office);
const acme = { id: 'acme', name: 'ACME' };

/** A contract ticket received Monday 7 Dec 2026 09:00 Berlin (normal: 4 h first response). */
function contractTicket(
  id: string,
  change: (t: ReturnType<typeof aTicket>) => ReturnType<typeof aTicket> = (t) => t,
) {
  const receivedAt = '2026-12-07T08:00:00.000Z';
  return change(
    aTicket({
      ticketId: id,
      group: 'contract',
      customer: acme,
      receivedAt,
      sla: startClock(calendar, office.planId, office.targets.normal, receivedAt),
    }),
  );
}

describe('the service-level tally', () => {
  it('counts met, breached and pending as the views judge them, per customer and plan', () => {
    const now = new Date('2026-12-09T12:00:00Z');
    const tally = new ServiceLevelTally('2026-12', now);
    tally.addCustomer('quiet', 'Quiet', {
      id: 'c',
      validFrom: '2020-01-01',
      includedMinutesPerMonth: 0,
      coveredServiceCodes: [],
    });
    // Answered after 1 h: met; resolved after a day: met.
    tally.addTicket(
      contractTicket('T-1', (t) => {
        const sla = changeStatus(
          calendar,
          recordFirstResponse(t.sla as SlaClock, '2026-12-07T09:00:00.000Z'),
          'in_progress',
          'resolved',
          '2026-12-08T08:00:00.000Z',
        );
        return { ...t, status: 'resolved', sla };
      }),
      60 * 60_000,
    );
    // Answered after 5 h: breached (due 4 h).
    tally.addTicket(
      contractTicket('T-2', (t) => ({
        ...t,
        sla: recordFirstResponse(t.sla as SlaClock, '2026-12-07T13:00:00.000Z'),
      })),
      5 * 60 * 60_000,
    );
    // Never answered, due Monday 13:00: breached by Wednesday.
    tally.addTicket(contractTicket('T-3'));
    const report = tally.report();
    expect(report.rows).toEqual([
      expect.objectContaining({
        customerId: 'acme',
        planId: 'office-hours',
        tickets: 3,
        firstResponsesMet: 1,
        firstResponsesBreached: 2,
        firstResponsesPending: 0,
        resolutionsMet: 1,
        resolutionsBreached: 0,
        resolutionsOpen: 2,
        medianFirstResponseBusinessMinutes: 180,
      }),
      expect.objectContaining({
        customerId: 'quiet',
        tickets: 0,
        medianFirstResponseBusinessMinutes: null,
      }),
    ]);
  });

  it('measures the standard waiting time from receipt to the first take', () => {
    const tally = new ServiceLevelTally('2026-12', new Date('2026-12-09T12:00:00Z'));
    tally.addTicket(
      aTicket({
        ticketId: 'T-4',
        receivedAt: '2026-12-07T08:00:00.000Z',
        firstAttendedAt: '2026-12-07T08:30:00.000Z',
      }),
    );
    tally.addTicket(
      aTicket({
        ticketId: 'T-5',
        receivedAt: '2026-12-07T08:00:00.000Z',
        firstAttendedAt: '2026-12-07T09:30:00.000Z',
      }),
    );
    tally.addTicket(aTicket({ ticketId: 'T-6' }));
    expect(tally.report().waitingTime.standard).toEqual({
      tickets: 3,
      attended: 2,
      medianWaitingMinutes: 60,
    });
  });

  it('median and contract months', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    const c = {
      id: 'c',
      validFrom: '2026-03-15',
      validTo: '2026-05-01',
      includedMinutesPerMonth: 0,
      coveredServiceCodes: [],
    };
    expect(
      ['2026-02', '2026-03', '2026-05', '2026-06'].map((m) => contractCoversMonth(c, m)),
    ).toEqual([false, true, true, false]);
  });
});
