import type { Group, Severity } from './ticket';

/**
 * The queue order of SPEC §3 as one string: group → severity → time of receipt → ticket id.
 * Sorting these strings ascending (as DynamoDB sorts a sort key, by UTF-8 bytes) is the
 * queue order, so ONE Query on the queue index returns the prioritized queue.
 */
const GROUP_RANK: Record<Group, string> = { contract: '1', standard: '2' };
const SEVERITY_RANK: Record<Severity, string> = { critical: '1', high: '2', normal: '3', low: '4' };

const ISO_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Ticket numbers are padded so that T-9999 sorts before T-10000. */
const TICKET_NUMBER_WIDTH = 12;

export interface QueuePosition {
  group: Group;
  severity: Severity;
  receivedAt: string;
  ticketId: string;
}

/** ISO-8601 UTC with milliseconds, and a real instant (no 25:61 o'clock). */
function isInstant(value: string): boolean {
  return ISO_UTC_MS.test(value) && new Date(value).toISOString() === value;
}

export function encodeQueueKey(position: QueuePosition): string {
  if (!isInstant(position.receivedAt)) {
    throw new RangeError(`receivedAt must be ISO-8601 UTC with ms: ${position.receivedAt}`);
  }
  return [
    GROUP_RANK[position.group],
    SEVERITY_RANK[position.severity],
    position.receivedAt,
    padTicketId(position.ticketId),
  ].join('#');
}

export function decodeQueueKey(key: string): QueuePosition {
  const [groupRank, severityRank, receivedAt, padded] = key.split('#');
  const group = rankToName(GROUP_RANK, groupRank);
  const severity = rankToName(SEVERITY_RANK, severityRank);
  if (!group || !severity || !receivedAt || !isInstant(receivedAt) || !padded) {
    throw new RangeError(`not a queue key: ${key}`);
  }
  return { group, severity, receivedAt, ticketId: unpadTicketId(padded) };
}

/**
 * The start all queue keys of a group (and severity) share: the keys of one such part of
 * the queue are in order of receipt, so its first key is its oldest ticket.
 */
export function queueKeyPrefix(group: Group, severity?: Severity): string {
  return severity === undefined
    ? `${GROUP_RANK[group]}#`
    : `${GROUP_RANK[group]}#${SEVERITY_RANK[severity]}#`;
}

/** Compares two positions by the rules, without encoding; the property test's oracle. */
export function compareQueuePositions(a: QueuePosition, b: QueuePosition): number {
  return (
    GROUP_RANK[a.group].localeCompare(GROUP_RANK[b.group]) ||
    SEVERITY_RANK[a.severity].localeCompare(SEVERITY_RANK[b.severity]) ||
    Date.parse(a.receivedAt) - Date.parse(b.receivedAt) ||
    compareTicketIds(a.ticketId, b.ticketId)
  );
}

function compareTicketIds(a: string, b: string): number {
  const na = ticketNumberOf(a);
  const nb = ticketNumberOf(b);
  if (na !== undefined && nb !== undefined) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function ticketNumberOf(ticketId: string): number | undefined {
  const match = /^T-(\d+)$/.exec(ticketId);
  return match ? Number(match[1]) : undefined;
}

function padTicketId(ticketId: string): string {
  const n = ticketNumberOf(ticketId);
  return n === undefined ? ticketId : `T-${String(n).padStart(TICKET_NUMBER_WIDTH, '0')}`;
}

function unpadTicketId(padded: string): string {
  const n = ticketNumberOf(padded);
  return n === undefined ? padded : `T-${n}`;
}

function rankToName<K extends string>(ranks: Record<K, string>, rank: string | undefined) {
  return (Object.keys(ranks) as K[]).find((name) => ranks[name] === rank);
}
