import type { AgentTicket } from '../lib/api';
import { announce, busy, byId } from '../lib/dom';
import type { StaffPage } from '../lib/staff';

/**
 * The console's merge action (SPEC §13): an agent names the ticket the open one is a
 * duplicate of, confirms, and the open one is closed into it. Kept apart from the console's
 * own code so the console can be split into parts without touching it.
 */
const TICKET_ID = /^T-\d{1,12}$/;

/**
 * Wires the form `#merge-form` (input `#merge-into`, message `#merge-message`) once: after
 * the merge, `merged` is told the id merged and the id it went into.
 */
export function mountMergeAction(
  page: StaffPage,
  current: () => AgentTicket | undefined,
  merged: (sourceId: string, targetId: string) => Promise<void>,
): true {
  const form = byId('merge-form', HTMLFormElement);
  const input = byId('merge-into', HTMLInputElement);
  const message = byId('merge-message');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const ticket = current();
    if (!ticket) return;
    const into = input.value.trim().toUpperCase();
    if (!TICKET_ID.test(into) || into === ticket.ticketId) {
      announce(message, 'Name another ticket, like T-10001.', 'error');
      input.focus();
      return;
    }
    const confirmed = window.confirm(
      `Merge ${ticket.ticketId} into ${into}? ${ticket.ticketId} is closed, and replies to it go to ${into}. This cannot be undone.`,
    );
    if (!confirmed) return;
    const button = form.querySelector('button');
    void busy(button as HTMLButtonElement, async () => {
      try {
        await page.call(`/tickets/${encodeURIComponent(ticket.ticketId)}/merge`, {
          method: 'POST',
          json: { intoTicketId: into },
        });
        input.value = '';
        announce(message, `${ticket.ticketId} was merged into ${into}.`);
        await merged(ticket.ticketId, into);
      } catch (error) {
        announce(
          message,
          `Merging did not work: ${error instanceof Error ? error.message : String(error)}`,
          'error',
        );
      }
    });
  });
  return true;
}

/** Shows the form for the ticket now open; hides it for closed and merged ones. */
export function showMergeAction(ticket: AgentTicket | undefined): void {
  const form = byId('merge-form', HTMLFormElement);
  form.hidden = !ticket || ticket.status === 'closed' || Boolean(ticket.mergedInto);
  if (form.hidden) announce(byId('merge-message'), '');
}
