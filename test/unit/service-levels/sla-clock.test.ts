import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../../functions/domain/service-levels/business-time';
import {
  DEFAULT_PLANS,
  type ServiceLevelPlan,
} from '../../../functions/domain/service-levels/plan';
import {
  changeStatus,
  nextEscalationAt,
  pendingEscalations,
  recordFirstResponse,
  retarget,
  slaView,
  startClock,
} from '../../../functions/domain/service-levels/sla-clock';

const office = DEFAULT_PLANS[0] as ServiceLevelPlan;
const calendar = new BusinessCalendar(office);
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
// Monday 7 December 2026, 09:00 Berlin.
const RECEIVED = '2026-12-07T08:00:00.000Z';

describe('the SLA clock', () => {
  it('received outside hours: counted from the next opening', () => {
    // Saturday evening: the clock starts Monday 08:00; normal = 4 h first response.
    const clock = startClock(
      calendar,
      'office-hours',
      office.targets.normal,
      '2026-12-05T18:00:00.000Z',
    );
    expect(clock.firstResponseDue).toBe('2026-12-07T11:00:00.000Z');
    expect(clock.firstResponseWarningAt).toBe(
      iso(Date.parse('2026-12-07T07:00:00.000Z') + 192 * MIN),
    );
    expect(clock.timeZone).toBe('Europe/Berlin');
  });

  it('a pause moves the resolution due later by exactly the business time paused', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 * 24 * 60 }),
        fc.integer({ min: 1, max: 5 * 24 * 60 }),
        (pauseAfterMin, pauseForMin) => {
          const start = startClock(
            calendar,
            'office-hours',
            office.targets.high,
            RECEIVED,
            'in_progress',
          );
          const pausedAt = iso(Date.parse(RECEIVED) + pauseAfterMin * MIN);
          const resumedAt = iso(Date.parse(pausedAt) + pauseForMin * MIN);
          const paused = changeStatus(calendar, start, 'in_progress', 'waiting_customer', pausedAt);
          expect(slaView(paused, new Date(resumedAt)).resolution).toMatch(/paused|breached/);
          const resumed = changeStatus(
            calendar,
            paused,
            'waiting_customer',
            'in_progress',
            resumedAt,
          );
          const businessPaused = calendar.between(Date.parse(pausedAt), Date.parse(resumedAt));
          expect(resumed.pausedMs).toBe(businessPaused);
          expect(resumed.resolutionDue).toBe(
            iso(
              calendar.add(
                Date.parse(RECEIVED),
                office.targets.high.resolutionMinutes * MIN + businessPaused,
              ),
            ),
          );
          // The first response does not pause.
          expect(resumed.firstResponseDue).toBe(start.firstResponseDue);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('resolving records when, reopening forgets it and resumes', () => {
    const start = startClock(
      calendar,
      'office-hours',
      office.targets.high,
      RECEIVED,
      'in_progress',
    );
    const resolved = changeStatus(
      calendar,
      start,
      'in_progress',
      'resolved',
      '2026-12-07T09:00:00.000Z',
    );
    expect(slaView(resolved, new Date('2026-12-20T00:00:00Z')).resolution).toBe('met');
    expect(pendingEscalations(resolved, 'resolved')).toEqual([]);
    const reopened = changeStatus(
      calendar,
      resolved,
      'resolved',
      'open',
      '2026-12-07T10:00:00.000Z',
    );
    expect(reopened.resolvedAt).toBeUndefined();
    expect(reopened.pausedMs).toBe(60 * MIN);
    const closed = changeStatus(
      calendar,
      resolved,
      'resolved',
      'closed',
      '2026-12-08T10:00:00.000Z',
    );
    expect(closed.resolvedAt).toBe('2026-12-07T09:00:00.000Z');
  });

  it('a severity change recomputes both dues from the start', () => {
    const start = startClock(calendar, 'office-hours', office.targets.low, RECEIVED);
    const critical = retarget(calendar, start, office.targets.critical);
    expect(critical.firstResponseDue).toBe('2026-12-07T09:00:00.000Z');
    expect(critical.resolutionDue).toBe('2026-12-07T16:00:00.000Z');
    expect(retarget(calendar, critical, office.targets.low)).toEqual({ ...start });
  });

  it('escalation stages: in order, first response ones end with the answer, resolution ones pause', () => {
    const clock = startClock(calendar, 'office-hours', office.targets.critical, RECEIVED);
    expect(pendingEscalations(clock, 'open').map((s) => s.stage)).toEqual([
      'firstResponseWarning',
      'firstResponseBreach',
      'resolutionWarning',
      'resolutionBreach',
    ]);
    expect(nextEscalationAt(clock, 'open')).toBe(clock.firstResponseWarningAt);
    const answered = recordFirstResponse(clock, '2026-12-07T08:10:00.000Z');
    expect(recordFirstResponse(answered, '2026-12-07T08:20:00.000Z').firstResponseAt).toBe(
      '2026-12-07T08:10:00.000Z',
    );
    expect(nextEscalationAt(answered, 'in_progress')).toBe(answered.resolutionWarningAt);
    const waiting = changeStatus(
      calendar,
      answered,
      'in_progress',
      'waiting_customer',
      '2026-12-07T09:00:00.000Z',
    );
    expect(nextEscalationAt(waiting, 'waiting_customer')).toBeUndefined();
    const marked = { ...clock, escalated: { firstResponseWarning: '2026-12-07T08:48:00.000Z' } };
    expect(nextEscalationAt(marked, 'open')).toBe(clock.firstResponseDue);
  });

  it('views: met exactly at the due instant, breached a moment after', () => {
    const clock = startClock(calendar, 'office-hours', office.targets.critical, RECEIVED);
    expect(
      slaView(recordFirstResponse(clock, clock.firstResponseDue), new Date()).firstResponse,
    ).toBe('met');
    const late = iso(Date.parse(clock.firstResponseDue) + 1);
    expect(slaView(recordFirstResponse(clock, late), new Date()).firstResponse).toBe('breached');
    expect(slaView(clock, new Date(clock.firstResponseDue)).firstResponse).toBe('pending');
    expect(slaView(clock, new Date(late)).firstResponse).toBe('breached');
  });
});
