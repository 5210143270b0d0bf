import type { AgentTicket, PriceList, QueueItem } from '../../lib/api';
import type { Upload, uploadQueue } from '../../lib/attachments';
import type { StaffPage } from '../../lib/staff';

/** Tickets per page of the queue and of the agent's held tickets. */
export const PAGE_SIZE = 50;

/** One change of a ticket as `GET /tickets/{ticketId}/history` lists it. */
export interface HistoryRecord {
  at: string;
  actor: string;
  action: string;
  from?: string;
  to?: string;
  ref?: string;
}

/** Everything the console remembers between events; its parts read and write it here. */
export interface ConsoleState {
  /** The signed-in staff page (its session makes the calls); unset while signed out. */
  page: StaffPage | undefined;
  /** The signed-in agent's name. */
  me: string;
  /** The queue as loaded so far, in queue order, and where it goes on. */
  queue: QueueItem[];
  nextCursor: string | null;
  /** The queue reload in flight, shared by concurrent callers. */
  refreshing: Promise<void> | undefined;
  refreshTimer: ReturnType<typeof setInterval> | undefined;
  /** The open ticket. */
  ticket: AgentTicket | undefined;
  /** What to announce once the ticket being opened has loaded. */
  pendingFlash: string | undefined;
  priceList: PriceList | 'unavailable' | undefined;
  /** The last work entry sent and its Idempotency-Key, reused when it is sent again. */
  lastWork: { body: string; key: string };
  /** The files being attached to the open ticket. */
  uploads: Upload[];
  uploading: { ticketId: string; queue: ReturnType<typeof uploadQueue> } | undefined;
  /** The open ticket's history as loaded so far, and where it goes on. */
  timeline: HistoryRecord[];
  timelineCursor: string | null;
}

/** The console's one state object. */
export const state: ConsoleState = {
  page: undefined,
  me: '',
  queue: [],
  nextCursor: null,
  refreshing: undefined,
  refreshTimer: undefined,
  ticket: undefined,
  pendingFlash: undefined,
  priceList: undefined,
  lastWork: { body: '', key: '' },
  uploads: [],
  uploading: undefined,
  timeline: [],
  timelineCursor: null,
};

/** The staff page, for a call; only reached while signed in (every caller is a signed-in event). */
export function staffPage(): StaffPage {
  if (!state.page) throw new Error('not signed in');
  return state.page;
}
