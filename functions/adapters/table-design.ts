/**
 * The single table's keys and indexes, as plain data: the CDK stack and the local stack
 * both build the table from this, so they cannot drift. See docs/data-model.md.
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** Sparse index holding exactly the waiting tickets, sorted in queue order. */
export const QUEUE_INDEX = {
  indexName: 'queue',
  partitionKey: 'queuePk',
  sortKey: 'queueSk',
} as const;

/** Sparse index of waiting tickets per customer, for moving them when a contract changes. */
export const CUSTOMER_QUEUE_INDEX = {
  indexName: 'customerQueue',
  partitionKey: 'customerQueuePk',
  sortKey: 'queueSk',
} as const;

/**
 * Sparse index of work entries by billing month, sorted for the export (customer, date,
 * entry): billable ones under `BILLING#<month>` (one paged Query is a month's export),
 * wholly covered ones under `COVERED#<month>` (the contract report reads both).
 */
export const BILLING_INDEX = {
  indexName: 'billing',
  partitionKey: 'billingPk',
  sortKey: 'billingSk',
} as const;

/** Index of all customers by name, for the admins' list. */
export const CUSTOMER_LIST_INDEX = {
  indexName: 'customers',
  partitionKey: 'listPk',
  sortKey: 'listSk',
} as const;

/**
 * Sparse index of the tickets an agent holds (in progress or waiting for the customer),
 * most recently changed first: "my tickets".
 */
export const ASSIGNEE_INDEX = {
  indexName: 'assignee',
  partitionKey: 'assigneePk',
  sortKey: 'assigneeSk',
} as const;

/**
 * Sparse index of every ticket the customer portal lists, newest first: one partition per
 * customer (`PORTAL#CUSTOMER#<id>`, whoever sent the ticket) and, for senders without a
 * customer record, one per requester address (`PORTAL#REQUESTER#<email>`). Phone tickets
 * without an address are in no partition.
 */
export const PORTAL_INDEX = {
  indexName: 'portal',
  partitionKey: 'portalPk',
  sortKey: 'portalSk',
} as const;

/**
 * Sparse index of contract tickets with an escalation still to come, by the instant it is
 * due (SPEC §9): the escalation job reads only what is due, one Query when nothing is.
 */
export const SLA_DUE_INDEX = {
  indexName: 'slaDue',
  partitionKey: 'slaDuePk',
  sortKey: 'slaDueSk',
} as const;

/** Index of all tickets by the Berlin month of their receipt: the service-level report. */
export const RECEIVED_INDEX = {
  indexName: 'received',
  partitionKey: 'receivedPk',
  sortKey: 'receivedSk',
} as const;

/**
 * Sparse index of the tickets whose acknowledgement is stored but not yet on the outbox
 * queue, oldest first: what the acknowledgement sweeper works through. Empty but for the
 * moments between storing a ticket and queueing its mail, unless queueing failed.
 */
export const PENDING_ACKNOWLEDGEMENT_INDEX = {
  indexName: 'pendingAcknowledgements',
  partitionKey: 'pendingAckPk',
  sortKey: 'pendingAckSk',
} as const;

/** The one partition of the pending-acknowledgement index. */
/**
 * Messages a customer wrote, by their address (sparse: only messages with a customer
 * author's address), so access and erasure find what a person wrote on other people's
 * tickets too (SPEC §13).
 */
export const AUTHOR_INDEX = {
  indexName: 'author',
  partitionKey: 'authorPk',
  sortKey: 'authorSk',
} as const;

export const PENDING_ACKNOWLEDGEMENT_PARTITION = 'PENDING_ACK';

export const GLOBAL_SECONDARY_INDEXES = [
  QUEUE_INDEX,
  CUSTOMER_QUEUE_INDEX,
  BILLING_INDEX,
  CUSTOMER_LIST_INDEX,
  ASSIGNEE_INDEX,
  PORTAL_INDEX,
  SLA_DUE_INDEX,
  RECEIVED_INDEX,
  PENDING_ACKNOWLEDGEMENT_INDEX,
  AUTHOR_INDEX,
] as const;

/** The due index lives in one partition (escalations due at once are few). */
export const SLA_DUE_PARTITION = 'SLADUE#0';

/** Attribute that DynamoDB's TTL deletes expired items by (epoch seconds). */
export const TTL_ATTRIBUTE = 'expiresAt';

/**
 * The queue lives in one index partition. Sharding it (docs/data-model.md) means writing
 * `QUEUE#<n>` here and merging the shards' first pages on read.
 */
export const QUEUE_PARTITION = 'QUEUE#0';

/** Partition of the queue's day buckets (counts of waiting tickets). */
export const QUEUE_COUNTER_PARTITION = 'QCOUNT#0';
/** Partition of the claims tallied per hour. */
export const CLAIM_TALLY_PARTITION = 'QRATE#0';

export const keys = {
  ticket: (ticketId: string) => ({ pk: `TICKET#${ticketId}`, sk: 'TICKET' }),
  assignee: (agent: string) => `ASSIGNEE#${agent}`,
  /** Sorts an agent's tickets by their last change (read newest first). */
  assigneeSort: (updatedAt: string, ticketId: string) => `${updatedAt}#${ticketId}`,
  customer: (customerId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: 'CUSTOMER' }),
  contact: (email: string) => ({ pk: `CONTACT#${email}`, sk: 'LOOKUP' }),
  domain: (domain: string) => ({ pk: `DOMAIN#${domain}`, sk: 'LOOKUP' }),
  phone: (number: string) => ({ pk: `PHONE#${number}`, sk: 'LOOKUP' }),
  contractBoundary: (day: string, customerId: string) => ({
    pk: `BOUNDARY#${day}`,
    sk: `CUSTOMER#${customerId}`,
  }),
  idempotency: (key: string) => ({ pk: `IDEMPOTENCY#${key}`, sk: 'SUBMISSION' }),
  ticketCounter: () => ({ pk: 'COUNTER#ticket', sk: 'COUNTER' }),
  customerQueue: (customerId: string) => `CUSTOMER#${customerId}`,
  /** Sorts by the instant the next escalation is due. */
  slaDueSort: (at: string, ticketId: string) => `${at}#${ticketId}`,
  receivedMonth: (month: string) => `RECEIVED#${month}`,
  /** An erasure's progress, by the hash of the address (`addressHash`). */
  erasureJob: (erasureId: string) => ({ pk: `ERASURE#${erasureId}`, sk: 'JOB' }),
  /** The messages one address wrote (the author index). */
  author: (email: string) => `AUTHOR#${email}`,
  authorSort: (createdAt: string, ticketId: string, messageId: string) =>
    `${createdAt}#${ticketId}#${messageId}`,
  receivedSort: (receivedAt: string, ticketId: string) => `${receivedAt}#${ticketId}`,
  /** Items of a ticket's collection, all under the ticket's partition key. */
  message: (ticketId: string, messageId: string) => ({
    pk: `TICKET#${ticketId}`,
    sk: `MSG#${messageId}`,
  }),
  sentMail: (ticketId: string, sentAt: string, eventId: string) => ({
    pk: `TICKET#${ticketId}`,
    sk: `MAIL#${sentAt}#${eventId}`,
  }),
  mailEvent: (eventId: string) => ({ pk: `MAILEVENT#${eventId}`, sk: 'DELIVERY' }),
  /** Which ticket a Message-ID (its local part) belongs to, for matching replies. */
  mailReference: (messageIdKey: string) => ({ pk: `MAILREF#${messageIdKey}`, sk: 'TICKET' }),
  /** By id alone, so a retried entry is found whatever day the retry computes. */
  workEntry: (ticketId: string, entryId: string) => ({
    pk: `TICKET#${ticketId}`,
    sk: `WORK#${entryId}`,
  }),
  billingMonth: (month: string) => `BILLING#${month}`,
  /** Work entries of the month wholly covered by a contract (nothing billed): sales' reports. */
  coveredMonth: (month: string) => `COVERED#${month}`,
  allowance: (customerId: string, month: string) => ({
    pk: `ALLOWANCE#${customerId}`,
    sk: `MONTH#${month}`,
  }),
  currentPriceList: () => ({ pk: 'PRICELIST', sk: 'CURRENT' }),
  priceListVersion: (version: number) => ({
    pk: 'PRICELIST',
    sk: `VERSION#${String(version).padStart(8, '0')}`,
  }),
  /** Waiting tickets of one day bucket of the queue (functions/domain/queue-position.ts). */
  queueCounter: (day: string) => ({ pk: QUEUE_COUNTER_PARTITION, sk: day }),
  /** Waiting tickets per group (`contract`, `standard`): the claim reason's counts. */
  queueTotals: () => ({ pk: 'QTOTAL#0', sk: 'TOTAL' }),
  /** Claims made in one UTC hour, by group: the rate behind a wait estimate. */
  claimTally: (hour: string) => ({ pk: CLAIM_TALLY_PARTITION, sk: hour }),
  /** Sorts a portal partition by time of receipt (read newest first). */
  portalSort: (receivedAt: string, ticketId: string) => `${receivedAt}#${ticketId}`,
  /** A portal sign-in code, by the hash of the code (the code itself is never stored). */
  portalCode: (codeHash: string) => ({ pk: `PORTALCODE#${codeHash}`, sk: 'CODE' }),
  /** A portal session, by the hash of its token. */
  portalSession: (tokenHash: string) => ({ pk: `PORTALSESSION#${tokenHash}`, sk: 'SESSION' }),
  /** All service-level plans share one partition: listing them is one Query. */
  serviceLevelPlans: () => 'SERVICELEVELS',
  serviceLevelPlan: (planId: string) => ({ pk: 'SERVICELEVELS', sk: `PLAN#${planId}` }),
  /** The reference contract sales compares customers without a contract against (SPEC §12). */
  referenceContract: () => ({ pk: 'SETTINGS', sk: 'REFERENCE_CONTRACT' }),
  /** A requester address proven theirs (SPEC §14), by mail, confirm link or portal. */
  verifiedAddress: (email: string) => ({ pk: `VERIFIED#${email}`, sk: 'ADDRESS' }),
  /** A confirm-link code, by the SHA-256 of the code (the code itself is never stored). */
  addressConfirmation: (codeHash: string) => ({ pk: `CONFIRM#${codeHash}`, sk: 'CODE' }),
  /**
   * An address no more mail goes to (it bounced permanently, or its owner complained), by
   * the hash of the address: the record holds no address (SPEC §13).
   */
  suppressedAddress: (emailHash: string) => ({ pk: `SUPPRESSED#${emailHash}`, sk: 'ADDRESS' }),
  /** One sliding-window limit (acknowledgements per mailbox, domain, client). */
  rateLimit: (key: string) => ({
    pk: `RATE#${key}`,
    sk: 'SLIDING',
  }),
};

/** Sort-key prefixes of the items in a ticket's collection. */
export const TICKET_COLLECTION = { messages: 'MSG#', mails: 'MAIL#', work: 'WORK#' } as const;

/**
 * Groups of items by the partition keys they live under, as IAM's `dynamodb:LeadingKeys`
 * condition names them: a route that writes only some of them is granted writes there
 * only (`tableWrites` in the route table). Keys built by {@link keys} above.
 */
export const WRITE_SCOPES = {
  /** Tickets and what lives under them (messages, sent mail, work entries). */
  tickets: 'TICKET#*',
  /** The ticket number counter. */
  ticketNumbers: 'COUNTER#ticket',
  /** Idempotency records of public callers' keys (`public.…`). */
  publicIdempotency: 'IDEMPOTENCY#public.*',
  /** Idempotency records of the voicemail hook (`voicemail.…`). */
  voicemailIdempotency: 'IDEMPOTENCY#voicemail.*',
} as const;

/** A group of items a route may be limited to writing. */
export type WriteScope = keyof typeof WRITE_SCOPES;
