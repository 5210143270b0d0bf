import { outboxEvents } from '../domain/mail/outbox-event';
import { pendingEscalations, type EscalationStage } from '../domain/service-levels/sla-clock';
import { changeTicket } from './change-ticket';
import type { Clock, Outbox, ServiceLevelPlans, TicketRepository } from './ports';

export interface EscalationDeps {
  tickets: TicketRepository;
  outbox: Outbox;
  clock: Clock;
  serviceLevels: ServiceLevelPlans;
}

/** What one run did. */
export interface EscalationRun {
  /** Tickets the due index named. */
  looked: number;
  /** Stages handled (mail events queued), by stage. */
  escalated: Record<EscalationStage, number>;
}

/**
 * The escalation job (SPEC §9): every ticket whose next escalation is due gets, for each
 * stage that is due and not yet handled, one mail event to the team and one to the
 * assignee, even when several stages are found at once. Event ids are deterministic
 * (`sla.<ticket>.<stage>.<recipient>`) and the mailer sends an id once, so concurrent or
 * retried runs queue the same events and still send each mail once; the stage is then
 * marked on the ticket (a conditional write), which takes it off the due index.
 */
export async function escalateServiceLevels(deps: EscalationDeps): Promise<EscalationRun> {
  const now = deps.clock.now().toISOString();
  const run: EscalationRun = {
    looked: 0,
    escalated: {
      firstResponseWarning: 0,
      firstResponseBreach: 0,
      resolutionWarning: 0,
      resolutionBreach: 0,
    },
  };
  for await (const ids of deps.tickets.dueForEscalation(now)) {
    for (const ticketId of ids) {
      run.looked++;
      for (const stage of await escalateTicket(deps, ticketId, now)) run.escalated[stage]++;
    }
  }
  return run;
}

async function escalateTicket(
  deps: EscalationDeps,
  ticketId: string,
  now: string,
): Promise<EscalationStage[]> {
  const ticket = await deps.tickets.get(ticketId);
  if (!ticket?.sla || ticket.group !== 'contract') return [];
  const due = pendingEscalations(ticket.sla, ticket.status)
    .filter(({ at }) => at <= now)
    .map(({ stage }) => stage);
  if (due.length === 0) return [];
  // Queue first, mark after: a run that dies in between is repeated by the next run, and
  // the repeated events are the same ids, so nothing is mailed twice or lost.
  for (const stage of due) {
    await deps.outbox.publish(outboxEvents.slaEscalation(ticketId, stage, 'team'));
    if (ticket.assignee) {
      await deps.outbox.publish(
        outboxEvents.slaEscalation(ticketId, stage, 'assignee', ticket.assignee),
      );
    }
  }
  // Only the run whose write marks a stage counts it, so concurrent runs count it once.
  let marked: EscalationStage[] = [];
  await changeTicket(deps, ticketId, (current) => {
    marked = [];
    if (!current.sla) return current;
    const escalated = { ...current.sla.escalated };
    for (const stage of due) {
      if (escalated[stage]) continue;
      escalated[stage] = now;
      marked.push(stage);
    }
    return marked.length ? { ...current, sla: { ...current.sla, escalated } } : current;
  });
  return marked;
}
