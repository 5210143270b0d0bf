import { NotFoundError, ValidationError } from '../domain/errors';
import { BusinessCalendar } from '../domain/service-levels/business-time';
import { DEFAULT_PLAN_ID, type ServiceLevelPlan } from '../domain/service-levels/plan';
import {
  businessTimeLeft,
  slaView,
  startClock,
  type SlaClock,
} from '../domain/service-levels/sla-clock';
import type { Severity, Ticket, TicketStatus } from '../domain/ticket';
import type { Clock, ServiceLevelPlans } from './ports';

type Deps = { serviceLevels: ServiceLevelPlans; clock: Clock };

/** Every plan, stored and shipped. */
export function listServiceLevelPlans(deps: Pick<Deps, 'serviceLevels'>) {
  return deps.serviceLevels.list();
}

export async function getServiceLevelPlan(
  deps: Pick<Deps, 'serviceLevels'>,
  planId: string,
): Promise<ServiceLevelPlan> {
  const plan = await deps.serviceLevels.get(planId);
  if (!plan) throw new NotFoundError(`No service-level plan ${planId}.`);
  return plan;
}

/**
 * Creates or replaces a plan. Tickets keep the due times computed when their clock last
 * changed; the new calendar and targets apply from their next change and to new tickets.
 */
export async function putServiceLevelPlan(
  deps: Deps,
  plan: Omit<ServiceLevelPlan, 'updatedAt'>,
): Promise<{ plan: ServiceLevelPlan; created: boolean }> {
  const previous = await deps.serviceLevels.get(plan.planId);
  const saved: ServiceLevelPlan = { ...plan, updatedAt: deps.clock.now().toISOString() };
  await deps.serviceLevels.put(saved);
  return { plan: saved, created: previous === undefined };
}

/** A contract's plan must exist: an unknown id is refused before anything is stored. */
export async function assertPlanExists(
  deps: Pick<Deps, 'serviceLevels'>,
  planId: string | undefined,
): Promise<void> {
  if (planId === undefined) return;
  if (!(await deps.serviceLevels.recent(planId))) {
    throw new ValidationError(`No service-level plan ${planId}.`, [
      { field: 'body.contract.serviceLevel', message: `unknown plan ${planId}` },
    ]);
  }
}

const calendars = new WeakMap<ServiceLevelPlan, BusinessCalendar>();

/** The business calendar of a plan (built once per plan object this instance read). */
export function calendarOf(plan: ServiceLevelPlan): BusinessCalendar {
  let calendar = calendars.get(plan);
  if (!calendar) {
    calendar = new BusinessCalendar(plan);
    calendars.set(plan, calendar);
  }
  return calendar;
}

/**
 * The plan a ticket's clock runs on: the contract's, else the default. A plan that has
 * vanished (it cannot be deleted, but a table may be restored) falls back to the default,
 * so a ticket is never refused over its SLA.
 */
export async function planFor(
  deps: Pick<Deps, 'serviceLevels'>,
  planId: string | undefined,
): Promise<ServiceLevelPlan> {
  const plan =
    (await deps.serviceLevels.recent(planId ?? DEFAULT_PLAN_ID)) ??
    (await deps.serviceLevels.recent(DEFAULT_PLAN_ID));
  if (!plan) throw new Error(`the default plan ${DEFAULT_PLAN_ID} is missing`);
  return plan;
}

/** Starts the clock of a contract ticket at `at` on the contract's plan. */
export async function startSlaClock(
  deps: Pick<Deps, 'serviceLevels'>,
  planId: string | undefined,
  severity: Severity,
  at: string,
  status: TicketStatus = 'open',
): Promise<SlaClock> {
  const plan = await planFor(deps, planId);
  return startClock(calendarOf(plan), plan.planId, plan.targets[severity], at, status);
}

/**
 * Business minutes left to each due time of a contract ticket at `now` (negative once
 * passed; null for a target met, or a resolution paused), for the console.
 */
export async function slaRemaining(
  deps: Pick<Deps, 'serviceLevels'>,
  ticket: Ticket,
  now: Date,
): Promise<{ firstResponseMinutes: number | null; resolutionMinutes: number | null } | undefined> {
  if (ticket.group !== 'contract' || !ticket.sla) return undefined;
  const calendar = calendarOf(await planFor(deps, ticket.sla.planId));
  const view = slaView(ticket.sla, now);
  const minutes = (due: string) => Math.trunc(businessTimeLeft(calendar, due, now) / 60_000);
  return {
    firstResponseMinutes: ticket.sla.firstResponseAt ? null : minutes(view.firstResponseDue),
    resolutionMinutes:
      view.resolution === 'pending' || (view.resolution === 'breached' && !view.resolvedAt)
        ? minutes(view.resolutionDue)
        : null,
  };
}
