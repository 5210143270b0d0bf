import type { HeldPage } from '../../lib/api';
import { byId, h, replaceChildren } from '../../lib/dom';
import { PAGE_SIZE, staffPage } from './state';
import { badge, dueCell, messageOf, severityName, statusName } from './view';

/** The tickets this agent holds (in progress, waiting for the customer), newest change first. */
export async function refreshHeld(): Promise<void> {
  const empty = byId('held-empty');
  let held: HeldPage | undefined;
  try {
    held = await staffPage().call<HeldPage>(`/tickets?assignee=me&limit=${PAGE_SIZE}`);
  } catch (error) {
    empty.textContent = `Your tickets could not be loaded: ${messageOf(error)}`;
    empty.hidden = false;
    return;
  }
  const items = held?.items ?? [];
  empty.textContent = 'You hold no ticket: claim the next one.';
  empty.hidden = items.length > 0;
  replaceChildren(
    byId('held-list'),
    ...items.map((item) =>
      h(
        'li',
        null,
        h('a', { attrs: { href: `#${item.ticketId}` } }, item.ticketId),
        ' ',
        badge(`severity-${item.severity}`, severityName(item.severity)),
        ` ${statusName(item.status)}: ${item.subject}`,
        ...(item.sla ? [' · due ', ...dueCell(item)] : []),
      ),
    ),
    ...(held?.nextCursor
      ? [h('li', { className: 'meta' }, `… and more: these are the ${items.length} changed last.`)]
      : []),
  );
}
