import { ApiError, type QueueItem } from '../../lib/api';
import { h } from '../../lib/dom';
import { formatDateTime } from '../../lib/format';
import { messages, STAFF_WORDS } from '../../i18n/messages';

/** A severity as the staff pages name it (the form's words). */
export function severityName(severity: string): string {
  const key = `severity.${severity}`;
  return key in messages.en ? messages.en[key as keyof typeof messages.en] : severity;
}

/** A status as the staff pages name it. */
export function statusName(status: string): string {
  return (STAFF_WORDS.status as Record<string, string>)[status] ?? status;
}

/** A group as the staff pages name it. */
export function groupName(group: string): string {
  return (STAFF_WORDS.group as Record<string, string>)[group] ?? group;
}

/** How a ticket stands against its service level, in words. */
export const RISK_NAMES: Record<string, string> = {
  ok: 'on time',
  'at-risk': 'at risk',
  breached: 'breached',
};

/** A term and its value in a `<dl>`. */
export function fact(term: string, ...value: (Node | string)[]): HTMLElement[] {
  return [h('dt', null, term), h('dd', null, ...value)];
}

export function badge(className: string, text: string, title?: string): HTMLElement {
  return h(
    'span',
    { className: `badge ${className}`, ...(title ? { attrs: { title } } : {}) },
    text,
  );
}

/** The SLA cell of a queue row: the first-response due time, highlighted when at risk. */
export function dueCell(item: QueueItem): (Node | string)[] {
  if (!item.sla) return ['—'];
  const due =
    item.sla.firstResponse === 'pending' || item.sla.firstResponse === 'breached'
      ? item.sla.firstResponseDue
      : item.sla.resolutionDue;
  return [
    h('time', { attrs: { datetime: due } }, formatDateTime(due)),
    ...(item.slaRisk && item.slaRisk !== 'ok'
      ? [' ', badge(`sla-${item.slaRisk}`, RISK_NAMES[item.slaRisk] ?? item.slaRisk)]
      : []),
  ];
}

/** Business minutes as people read them: `45 min`, `3 h 5 min`, `overdue 20 min`. */
export function businessMinutes(minutes: number | null): string {
  if (minutes === null) return '';
  const abs = Math.abs(minutes);
  const text = abs < 60 ? `${abs} min` : `${Math.floor(abs / 60)} h ${abs % 60} min`;
  return minutes < 0 ? `overdue by ${text} of business time` : `${text} of business time left`;
}

export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** A status, severity or group value in words (a history record's from and to). */
export function wordOf(value: string): string {
  const status = (STAFF_WORDS.status as Record<string, string>)[value];
  if (status) return status;
  const severity = severityName(value);
  return severity !== value ? severity : groupName(value);
}
