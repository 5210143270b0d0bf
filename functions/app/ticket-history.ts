import { NotFoundError, ValidationError } from '../domain/errors';
import type { HistoryRecord } from '../domain/history';
import type { TicketHistory } from './ports';

/** One page of a ticket's history. */
export interface HistoryPage {
  items: HistoryRecord[];
  /** Opaque; absent on the last page. */
  nextCursor?: string;
}

/**
 * `GET /tickets/{ticketId}/history` (agents): the ticket's changes, oldest first, paged.
 * Records are only ever appended, so a position in the list stays where it was.
 */
export async function readTicketHistory(
  deps: { history: TicketHistory },
  ticketId: string,
  limit: number,
  cursor?: string,
): Promise<HistoryPage> {
  const records = await deps.history.historyOf(ticketId);
  if (!records) throw new NotFoundError(`No ticket ${ticketId}.`);
  const start = cursor === undefined ? 0 : positionOf(cursor);
  const items = records.slice(start, start + limit);
  const next = start + items.length;
  return { items, ...(next < records.length ? { nextCursor: cursorOf(next) } : {}) };
}

function cursorOf(position: number): string {
  return Buffer.from(JSON.stringify({ p: position })).toString('base64url');
}

/** The position a cursor carries; anything else is a 400. */
function positionOf(cursor: string): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const { p, ...rest } = parsed as Record<string, unknown>;
      if (Object.keys(rest).length === 0 && Number.isSafeInteger(p) && (p as number) >= 0) {
        return p as number;
      }
    }
  } catch {
    // falls through to the 400 below
  }
  throw new ValidationError('The cursor is not one this API handed out.', [
    { field: 'query.cursor', message: 'Use the nextCursor of the previous page.' },
  ]);
}
