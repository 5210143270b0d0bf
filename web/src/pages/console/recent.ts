import type { AgentTicket } from '../../lib/api';
import { byId, h, replaceChildren } from '../../lib/dom';

/** The tickets this browser opened last (local storage), for getting back to them. */

const RECENT_KEY = 'servicedesk.console.recent';

export function rememberRecent(t: AgentTicket): void {
  const recent = readRecent().filter((r) => r.ticketId !== t.ticketId);
  recent.unshift({ ticketId: t.ticketId, subject: t.subject });
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify(recent.slice(0, 8)));
  } catch {
    // Not remembered, then.
  }
  renderRecent();
}

function readRecent(): { ticketId: string; subject: string }[] {
  try {
    return JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]') as {
      ticketId: string;
      subject: string;
    }[];
  } catch {
    return [];
  }
}

export function renderRecent(): void {
  const recent = readRecent();
  byId('recent').hidden = recent.length === 0;
  replaceChildren(
    byId('recent-list'),
    ...recent.map((r) =>
      h('li', null, h('a', { attrs: { href: `#${r.ticketId}` } }, r.ticketId), ` ${r.subject}`),
    ),
  );
}
