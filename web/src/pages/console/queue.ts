import { type AgentTicket, type ClaimReason, type QueueItem, type QueuePage } from '../../lib/api';
import { announce, busy, byId, h, replaceChildren } from '../../lib/dom';
import { formatAge, formatDateTime } from '../../lib/format';
import { refreshHeld } from './held';
import { PAGE_SIZE, staffPage, state } from './state';
import { show } from './ticket';
import { badge, dueCell, groupName, messageOf, severityName } from './view';

/** The queue in priority order: reloaded on demand, paged, and claim next. */

const queueBody = byId('queue-body');
const queueMessage = byId('queue-message');

document.addEventListener('visibilitychange', () => {
  if (!document.hidden && state.page?.session()) void refreshQueue();
});

byId('refresh-queue', HTMLButtonElement).addEventListener('click', (event) => {
  void busy(event.currentTarget as HTMLButtonElement, () => refreshQueue());
});
byId('queue-more', HTMLButtonElement).addEventListener('click', (event) => {
  void busy(event.currentTarget as HTMLButtonElement, () => loadMore());
});
byId('claim-next', HTMLButtonElement).addEventListener('click', (event) => {
  void busy(event.currentTarget as HTMLButtonElement, () => claimNext());
});

/**
 * Reloads the queue and my tickets. Concurrent calls share one reload; after a change of
 * this agent's (`afterChange`), a reload that started before it is followed by a new one.
 */
export async function refreshQueue(afterChange = false): Promise<void> {
  if (state.refreshing && !afterChange) return state.refreshing;
  if (state.refreshing) await state.refreshing;
  state.refreshing = (async () => {
    const wanted = Math.max(state.queue.length, PAGE_SIZE);
    const items: QueueItem[] = [];
    let cursor: string | null = null;
    try {
      do {
        const result: QueuePage | undefined = await staffPage().call<QueuePage>(
          `/queue?limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        items.push(...(result?.items ?? []));
        cursor = result?.nextCursor ?? null;
      } while (cursor && items.length < wanted);
      state.queue = items;
      state.nextCursor = cursor;
      renderQueue();
      await refreshHeld();
      byId('queue-updated').textContent = `Updated ${new Date().toLocaleTimeString('en-GB')}.`;
      if (queueMessage.dataset.kind === 'error') announce(queueMessage, '');
    } catch (error) {
      announce(queueMessage, `The queue could not be loaded: ${messageOf(error)}`, 'error');
    }
  })();
  try {
    await state.refreshing;
  } finally {
    state.refreshing = undefined;
  }
}

async function loadMore(): Promise<void> {
  if (!state.nextCursor) return;
  try {
    const result = await staffPage().call<QueuePage>(
      `/queue?limit=${PAGE_SIZE}&cursor=${encodeURIComponent(state.nextCursor)}`,
    );
    state.queue.push(...(result?.items ?? []));
    state.nextCursor = result?.nextCursor ?? null;
    renderQueue();
  } catch (error) {
    announce(queueMessage, `More could not be loaded: ${messageOf(error)}`, 'error');
  }
}

export function renderQueue(): void {
  const focused =
    document.activeElement?.closest<HTMLElement>('[data-ticket-id]')?.dataset.ticketId;
  const now = Date.now();
  replaceChildren(
    queueBody,
    ...state.queue.map((item, index) =>
      h(
        'tr',
        {
          attrs: {
            'data-ticket-id': item.ticketId,
            'aria-current': item.ticketId === state.ticket?.ticketId ? 'true' : undefined,
          },
        },
        h('td', { className: 'number' }, String(index + 1)),
        h(
          'td',
          { className: 'nowrap' },
          h(
            'a',
            { attrs: { href: `#${item.ticketId}`, 'data-ticket-id': item.ticketId } },
            item.ticketId,
          ),
        ),
        h('td', null, badge(`group-${item.group}`, groupName(item.group))),
        h('td', null, badge(`severity-${item.severity}`, severityName(item.severity))),
        h(
          'td',
          null,
          h(
            'time',
            {
              attrs: {
                datetime: item.receivedAt,
                title: `Received ${formatDateTime(item.receivedAt)}`,
              },
            },
            formatAge(item.receivedAt, now),
          ),
        ),
        h('td', { className: 'nowrap' }, ...dueCell(item)),
        h('td', null, ...customerCell(item)),
        h('td', { className: 'subject', attrs: { title: item.subject } }, item.subject),
      ),
    ),
  );
  byId('queue-empty').hidden = state.queue.length > 0;
  byId('queue-more').hidden = !state.nextCursor;
  byId('queue-count').textContent =
    state.queue.length === 0
      ? ''
      : `${state.queue.length}${state.nextCursor ? '+' : ''} waiting ticket${state.queue.length === 1 ? '' : 's'}.`;
  if (focused) {
    queueBody.querySelector<HTMLElement>(`a[data-ticket-id="${CSS.escape(focused)}"]`)?.focus();
  }
}

function customerCell(item: QueueItem): (Node | string)[] {
  // The group follows the address; an unproven one is marked so agents can weigh it.
  const unverified =
    item.requesterVerified === false
      ? [' ', badge('unverified', 'unverified', 'The requester has not proven this address theirs')]
      : [];
  if (item.customer.id) return [item.customer.name, ...unverified];
  return [
    h('span', { attrs: { title: item.requester?.email ?? '' } }, item.customer.name),
    ...unverified,
    h('br'),
    h('span', { className: 'meta' }, 'no customer record'),
  ];
}

async function claimNext(): Promise<void> {
  try {
    const claimed = await staffPage().call<AgentTicket & { claimReason?: ClaimReason }>(
      '/queue/claim',
      {
        method: 'POST',
      },
    );
    if (!claimed) {
      announce(queueMessage, 'Nothing is waiting in the queue.');
    } else {
      const why = claimed.claimReason ? ` ${claimReasonText(claimed.claimReason)}` : '';
      announce(queueMessage, `You claimed ${claimed.ticketId}.${why}`, 'success');
      show(claimed.ticketId, `You claimed ${claimed.ticketId}: it is in progress for you.${why}`);
    }
  } catch (error) {
    announce(queueMessage, `Claiming did not work: ${messageOf(error)}`, 'error');
  }
  await refreshQueue(true);
}

/** Why the claimed ticket was next, in one sentence (the claim's audit trail). */
function claimReasonText(reason: ClaimReason): string {
  return (
    `Next because: ${groupName(reason.group)}, ` +
    `${severityName(reason.severity)}, waited ${reason.waitedMinutes} min; ` +
    `taken ahead of ${reason.ahead.contract} contract and ${reason.ahead.standard} standard tickets still waiting.`
  );
}
