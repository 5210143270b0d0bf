import { announce, busy, byId, h, replaceChildren } from '../../lib/dom';
import { formatDateTime } from '../../lib/format';
import { staffPage, state, type HistoryRecord } from './state';
import { messageOf, wordOf } from './view';

/** The open ticket's history as a timeline. */

const ACTION_NAMES: Record<string, string> = {
  created: 'created',
  claim: 'claimed from the queue',
  take: 'took it',
  'take-out-of-order': 'took it out of queue order',
  release: 'released it to the queue',
  status: 'changed the status',
  assignee: 'changed the assignee',
  severity: 'changed the severity',
  group: 'moved it to another group',
  merge: 'merged it',
  message: 'wrote a message',
  work: 'logged work',
  attachment: 'added a file',
  verified: 'verified the address',
  erasure: 'erased the personal data',
  retention: 'anonymised it (retention period over)',
};

/**
 * The ticket's history as a timeline, oldest first, a page at a time. Loaded after the
 * ticket itself, so a slow history never holds up the conversation.
 */
export async function loadTimeline(ticketId: string, more = false): Promise<void> {
  const message = byId('timeline-message');
  try {
    const query =
      more && state.timelineCursor ? `&cursor=${encodeURIComponent(state.timelineCursor)}` : '';
    const loaded = await staffPage().call<{ items: HistoryRecord[]; nextCursor: string | null }>(
      `/tickets/${encodeURIComponent(ticketId)}/history?limit=50${query}`,
    );
    if (!loaded || state.ticket?.ticketId !== ticketId) return;
    state.timeline = more ? [...state.timeline, ...loaded.items] : loaded.items;
    state.timelineCursor = loaded.nextCursor;
    announce(message, '');
    renderTimeline();
  } catch (error) {
    announce(message, `The history could not be loaded: ${messageOf(error)}`, 'error');
  }
}

function renderTimeline(): void {
  const words = (value: string | undefined) => (value === undefined ? '' : wordOf(value));
  replaceChildren(
    byId('timeline-list'),
    ...state.timeline.map((record) =>
      h(
        'li',
        null,
        h(
          'time',
          { className: 'meta nowrap', attrs: { datetime: record.at } },
          formatDateTime(record.at),
        ),
        ' ',
        h('strong', null, record.actor),
        ` ${ACTION_NAMES[record.action] ?? record.action}`,
        record.from !== undefined || record.to !== undefined
          ? `: ${[words(record.from), words(record.to)].filter(Boolean).join(' → ')}`
          : '',
      ),
    ),
  );
  byId('timeline-more', HTMLButtonElement).hidden = state.timelineCursor === null;
}

byId('timeline-more', HTMLButtonElement).addEventListener('click', (event) => {
  if (state.ticket) {
    const id = state.ticket.ticketId;
    void busy(event.currentTarget as HTMLButtonElement, () => loadTimeline(id, true));
  }
});
