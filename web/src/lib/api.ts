import type { Contact, Contract } from '../../../functions/domain/customer';
/**
 * The HTTP API as the pages see it (README "The HTTP API"), on the same origin as the
 * pages. Errors arrive as `application/problem+json`.
 */
export type Severity = 'critical' | 'high' | 'normal' | 'low';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'normal', 'low'];

export type TicketStatus = 'open' | 'in_progress' | 'waiting_customer' | 'resolved' | 'closed';
export const TICKET_STATUSES: readonly TicketStatus[] = [
  'open',
  'in_progress',
  'waiting_customer',
  'resolved',
  'closed',
];

export type Group = 'contract' | 'standard';

export interface FieldError {
  /** Dotted path of the offending field, e.g. `body.email` or `query.limit`. */
  field: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

export interface SubmittedTicket {
  ticketId: string;
  status: TicketStatus;
  group: Group;
  severity: Severity;
  receivedAt: string;
  accessToken: string;
}

/**
 * A file on a ticket or message. Stored files have a `key` to download them by
 * (`GET /tickets/{ticketId}/attachments?key=`); a file a mail brought that was not stored
 * has no key and says why in `rejected` (e.g. `larger than 10485760 bytes`).
 */
export interface Attachment {
  filename: string;
  contentType: string;
  size: number;
  key?: string;
  rejected?: string;
}

export interface TicketMessage {
  messageId: string;
  author: { kind: 'customer' | 'agent'; name: string; email?: string };
  body: string;
  internal: boolean;
  channel: 'web' | 'email' | 'phone';
  createdAt: string;
  attachments?: Attachment[];
  /** A mail from a sender who may not write into the ticket (agents only). */
  unverified?: boolean;
}

/** `GET /tickets/{ticketId}` with the customer's access token. */
export interface CustomerTicket {
  ticketId: string;
  status: TicketStatus;
  group: Group;
  severity: Severity;
  receivedAt: string;
  updatedAt: string;
  subject: string;
  description: string;
  channel: 'web' | 'email' | 'phone';
  /** Files of the ticket itself: uploaded on the pages, or brought by the first mail. */
  attachments?: Attachment[];
  /** Contract tickets only: the service levels and how they stand (SPEC §9). */
  sla?: Sla;
  messages: TicketMessage[];
  /** Where a waiting ticket stands (SPEC §10); absent unless `open`. */
  queue?: QueueStanding;
}

/** A waiting ticket's place in the queue and an estimate (no promise) of its start. */
export interface QueueStanding {
  position: number;
  aheadContract: number;
  aheadStandard: number;
  estimatedStart: { earliest: string; latest: string } | null;
}

/** Why a claimed ticket was next (SPEC §10). */
export interface ClaimReason {
  group: Group;
  severity: Severity;
  waitedMinutes: number;
  /** The waiting tickets it was taken ahead of, per group. */
  ahead: { contract: number; standard: number };
}

/** `sla` of a contract ticket's views. */
export interface Sla {
  planId: string;
  firstResponseDue: string;
  resolutionDue: string;
  firstResponseAt?: string;
  resolvedAt?: string;
  firstResponse: 'pending' | 'met' | 'breached';
  resolution: 'pending' | 'paused' | 'met' | 'breached';
}

/** For agents: how close a contract ticket is to missing a target. */
export type SlaRisk = 'ok' | 'at-risk' | 'breached';

export interface WorkEntry {
  entryId: string;
  agent: string;
  date: string;
  minutes: number;
  serviceCode: string;
  serviceName?: string;
  description: string;
  coveredMinutes: number;
  billableMinutes: number;
  quantity: number;
  amountCents: number;
  currency: 'EUR';
}

/** `GET /tickets/{ticketId}` for agents, and the answers of claim, PATCH and release. */
export interface AgentTicket extends Omit<CustomerTicket, 'messages'> {
  locale: 'de' | 'en';
  requester: { name: string; email?: string; phone?: string };
  customer: { id: string | null; name: string };
  /** Whether the requester's address is proven theirs (SPEC §14). */
  requesterVerified?: boolean;
  requesterVerifiedBy?: 'mail' | 'confirm-link' | 'portal' | null;
  /** The ticket a mail named that this one was opened about. */
  relatedTicketId?: string | null;
  assignee?: string;
  /** Set when an agent took this ticket while another waited before it (SPEC §14). */
  takenOutOfOrder?: { by: string; at: string };
  version: number;
  messages?: TicketMessage[];
  mails?: { kind: string; to: string; subject: string; sentAt: string }[];
  workEntries?: WorkEntry[];
  slaRisk?: SlaRisk;
  /** Business minutes left to each due time (negative once passed; null: met or paused). */
  slaRemaining?: { firstResponseMinutes: number | null; resolutionMinutes: number | null };
}

export interface QueueItem {
  ticketId: string;
  group: Group;
  severity: Severity;
  receivedAt: string;
  subject: string;
  customer: { id: string | null; name: string };
  requester?: { name: string; email: string | null };
  sla?: Sla;
  slaRisk?: SlaRisk;
  requesterVerified?: boolean;
}

export interface QueuePage {
  items: QueueItem[];
  nextCursor: string | null;
}

/** One of the agent's tickets in hand (`GET /tickets?assignee=me`). */
export interface HeldItem extends QueueItem {
  status: string;
  updatedAt: string;
}

export interface HeldPage {
  items: HeldItem[];
  nextCursor: string | null;
}

export type PriceUnit = 'minute' | 'quarter_hour' | 'hour' | 'flat';

export interface ServiceCode {
  code: string;
  name: string;
  unit: PriceUnit;
  unitPriceCents: number;
}

export interface PriceList {
  version: number | string;
  currency: 'EUR';
  services: ServiceCode[];
}

export interface WorkResult {
  entryId: string;
  coveredMinutes: number;
  billableMinutes: number;
  quantity: number;
  amountCents: number;
  currency: 'EUR';
}

export interface BillingTotal {
  /** Null for work on tickets of senders without a customer record. */
  customerId: string | null;
  customerName: string;
  entries: number;
  amountCents: number;
}

export interface BillingExport {
  month: string;
  currency: 'EUR';
  rows: Record<string, unknown>[];
  totals: BillingTotal[];
}

/** Contracts and contacts as the API sends them: the domain's own types. */
export type { Contact, Contract } from '../../../functions/domain/customer';

export interface Customer {
  customerId: string;
  name: string;
  domains: string[];
  contacts: Contact[];
  contract?: Contract | null;
  updatedAt?: string;
  regroupedTickets?: number;
}

export interface CustomerPage {
  items: Customer[];
  nextCursor: string | null;
}

/** A failed call: the problem the API sent, or a stand-in for a network failure. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail || problem.title);
  }
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as `application/json`. */
  json?: unknown;
  /** Staff bearer token. */
  token?: string;
  /** The customer's ticket access token (`X-Ticket-Token`). */
  ticketToken?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Calls the API and returns the raw response when it is a success (2xx). */
export async function callRaw(path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.ticketToken) headers['x-ticket-token'] = options.ticketToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
      ...(options.signal ? { signal: options.signal } : {}),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, {
      type: 'about:blank',
      title: 'Network error',
      status: 0,
      detail: 'The server could not be reached.',
    });
  }
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  return response;
}

/** Calls the API; resolves the JSON body, or `undefined` for an empty answer (204). */
export async function call<T>(path: string, options: CallOptions = {}): Promise<T | undefined> {
  const response = await callRaw(path, options);
  const text = await response.text();
  return text ? (JSON.parse(text) as T) : undefined;
}

async function problemOf(response: Response): Promise<Problem> {
  const fallback: Problem = {
    type: 'about:blank',
    title: response.statusText || 'Error',
    status: response.status,
    detail: `The server answered ${response.status}.`,
  };
  try {
    const body = (await response.json()) as Partial<Problem> & { message?: string };
    return {
      ...fallback,
      ...body,
      // API Gateway's own errors (before a function runs) are `{message}`.
      detail: body.detail ?? body.message ?? fallback.detail,
    };
  } catch {
    return fallback;
  }
}
