import { randomBytes } from 'node:crypto';
import { ClaimCandidates } from '../app/claim-candidates';
import type { ExportStore } from '../app/export-ports';
import type { IntakeDeps } from '../app/intake-mail';
import type { MailFeedbackDeps } from '../app/mail-feedback';
import type { RecordWorkDeps } from '../app/record-work';
import type { MailerDeps } from '../app/mail-ports';
import type {
  Clock,
  PortalTickets,
  QueueStatistics,
  ReferenceContractStore,
  TicketDeps,
  TicketHistory,
} from '../app/ports';
import type { AllowanceUsage } from '../app/portal';
import type { ErasureJobs, MailFiles, PersonalData } from '../app/privacy';
import type { MergeReservations } from '../app/merge-tickets';
import type { PortalMailDeps, PortalSessions, PortalSignIns } from '../app/portal-ports';
import { DynamoPortalStore } from '../adapters/portal-store';
import type { S3MailBucket } from '../adapters/s3-mail-bucket';
import { DynamoCustomerRepository } from '../adapters/customer-repository';
import { createDocumentClient } from '../adapters/dynamodb';
import { DynamoIdempotencyStore } from '../adapters/idempotency-store';
import { DynamoMailLog } from '../adapters/mail-log';
import { DynamoMessageRepository } from '../adapters/message-repository';
import { DynamoTicketHistory } from '../adapters/history-reader';
import { DynamoPersonalData } from '../adapters/personal-data';
import { DynamoRateLimiter } from '../adapters/rate-limiter';
import { DynamoSuppressions } from '../adapters/suppressions';
import { DynamoTicketNumbers } from '../adapters/ticket-number-allocator';
import { DynamoTicketRepository } from '../adapters/ticket-repository';
import { DynamoQueueCounters } from '../adapters/queue-counters';
import { DynamoWorkEntryRepository } from '../adapters/work-entry-repository';
import { DynamoAllowances } from '../adapters/allowances';
import {
  DynamoAddressConfirmations,
  DynamoVerifiedAddresses,
} from '../adapters/address-verification';
import { DynamoPriceListStore } from '../adapters/price-list-store';
import { DynamoReferenceContractStore } from '../adapters/reference-contract-store';
import { DynamoServiceLevelPlans } from '../adapters/service-level-store';
import { DEFAULT_ACKNOWLEDGEMENT_LIMITS } from '../domain/mail/mail-policy';
import { integer, optional, required } from './config';
import { log } from './log';
import { powertoolsMetrics } from './metrics';

/**
 * The parts built on AWS clients other than DynamoDB's, each added by a module of its own
 * (`functions/shared/with-*.ts`) so that a function bundles only the clients it uses.
 */
export type ClientPart =
  'outbox' | 'sender' | 'accessTokens' | 'mailBucket' | 'exports' | 'attachments' | 'mailFiles';

/**
 * Everything but the {@link ClientPart}s: the table's repositories, the clock, ids and the
 * mail settings. What a DynamoDB-only function gets from {@link dependencies}.
 */
export type TableDependencies = Omit<
  TicketDeps & MailerDeps & IntakeDeps & RecordWorkDeps & MailFeedbackDeps,
  ClientPart
> & {
  /** The queue heads this instance read last, shared by its claims. */
  claimCandidates: ClaimCandidates;
  /** The portal's reads of tickets (the same repository as `tickets`). */
  portalTickets: PortalTickets;
  /** The merge's hold on the ticket merged into (the same repository as `tickets`). */
  mergeReservations: MergeReservations;
  signIns: PortalSignIns;
  sessions: PortalSessions;
  portal: PortalMailDeps;
  allowanceUsage: AllowanceUsage;
  referenceContracts: ReferenceContractStore;
  /** Counts of waiting tickets per queue bucket and the claim tally. */
  queueCounters: DynamoQueueCounters;
  /** The queue measured for the dashboard (the same repository as `tickets`). */
  queueStatistics: QueueStatistics;
  /** Tickets' histories (SPEC §13). */
  history: TicketHistory;
  /** The writes of erasures and retention (SPEC §13). */
  personalData: PersonalData;
  /** Erasures' progress (the same adapter as `personalData`). */
  erasureJobs: ErasureJobs;
};

/** Every part: what the local stack, `bin/export.ts` and the tests compose (`all-dependencies.ts`). */
export type Dependencies = TableDependencies &
  TicketDeps &
  MailerDeps &
  IntakeDeps & {
    /** The mail bucket: raw received mail, attachments, quarantine. */
    mailBucket: S3MailBucket;
    exports: ExportStore;
    /** The mail bucket's files, which erasures and retention delete. */
    mailFiles: MailFiles;
  };

/**
 * The composition root of the table's parts, built once per cold start (or once per local
 * process) from configuration. Each part is built on first use, so a function is only asked
 * for the configuration of what it really uses. Parts on other AWS clients are added with
 * {@link addPart} by the `with-*.ts` modules: a module importing the SQS, SES, S3 or Secrets
 * Manager client here would put it in every function's bundle. `DYNAMODB_ENDPOINT` points
 * the client at the local stand-in.
 */
export function createDependencies(): TableDependencies {
  const clock: Clock = { now: () => new Date() };
  const table = once(() => {
    const endpoint = optional('DYNAMODB_ENDPOINT');
    return { db: createDocumentClient(endpoint ? { endpoint } : {}), name: required('TABLE_NAME') };
  });
  const parts = {
    tickets: () =>
      new DynamoTicketRepository(
        table().db,
        table().name,
        () => deps.claimCandidates.queueChanged(),
        deps.queueCounters,
      ),
    queueCounters: () => new DynamoQueueCounters(table().db, table().name, clock),
    claimCandidates: () => new ClaimCandidates(deps.tickets, clock),
    customers: () => new DynamoCustomerRepository(table().db, table().name, clock),
    idempotency: () => new DynamoIdempotencyStore(table().db, table().name, clock),
    ticketNumbers: () =>
      new DynamoTicketNumbers(table().db, table().name, integer('TICKET_NUMBER_BLOCK', 20)),
    messages: () => new DynamoMessageRepository(table().db, table().name),
    history: () => new DynamoTicketHistory(table().db, table().name),
    personalData: () => new DynamoPersonalData(table().db, table().name),
    erasureJobs: () => deps.personalData as DynamoPersonalData,
    workEntries: () => new DynamoWorkEntryRepository(table().db, table().name),
    allowances: () => new DynamoAllowances(table().db, table().name, clock),
    priceLists: () => new DynamoPriceListStore(table().db, table().name, clock),
    serviceLevels: () => new DynamoServiceLevelPlans(table().db, table().name, clock),
    referenceContracts: () => new DynamoReferenceContractStore(table().db, table().name),
    mailLog: () => new DynamoMailLog(table().db, table().name, clock),
    rateLimiter: () => new DynamoRateLimiter(table().db, table().name, clock),
    suppressions: () => new DynamoSuppressions(table().db, table().name),
    portalTickets: () => deps.tickets as DynamoTicketRepository,
    mergeReservations: () => deps.tickets as DynamoTicketRepository,
    queueStatistics: () => deps.tickets as DynamoTicketRepository,
    signIns: () => deps.sessions as DynamoPortalStore,
    sessions: () => new DynamoPortalStore(table().db, table().name, clock),
    portal: () => ({
      customers: deps.customers,
      portalTickets: deps.portalTickets,
      signIns: deps.signIns,
    }),
    allowanceUsage: () => deps.allowances as DynamoAllowances,
    verifiedAddresses: () => new DynamoVerifiedAddresses(table().db, table().name),
    confirmations: () => new DynamoAddressConfirmations(table().db, table().name, clock),
    settings: () => mailSettings(),
  };
  const deps = {
    clock,
    newMessageIdLocalPart: () => randomBytes(16).toString('hex'),
    newId: timeOrderedId,
    metrics: powertoolsMetrics,
    log: { write: log },
  } as TableDependencies;
  for (const [name, build] of Object.entries(parts)) addPart(deps, name, build as () => unknown);
  return deps;
}

/**
 * Adds a part to `deps`, built on first use, and returns `deps` typed with it. Adding a
 * part `deps` already has keeps the first (a process adds each part from one module only,
 * so both would be the same).
 */
export function addPart<T extends object, K extends string, V>(
  deps: T,
  name: K,
  build: () => V,
): T & Record<K, V> {
  if (!Object.prototype.hasOwnProperty.call(deps, name)) {
    let built: { value: V } | undefined;
    Object.defineProperty(deps, name, {
      enumerable: true,
      get: () => (built ??= { value: build() }).value,
    });
  }
  return deps as T & Record<K, V>;
}

/** The AWS region the functions run in (the local stack's default when unset). */
export const region = (): string => optional('AWS_REGION') ?? 'eu-central-1';

/** The mail settings from configuration (shared with the mail sender). */
export const mailSettings = once(() => {
  const supportDomain = required('SUPPORT_ADDRESS').split('@')[1] ?? 'servicedesk.invalid';
  // Not the support address itself: mail to it would come back in as a ticket.
  const agentTeamAddress = optional('AGENT_TEAM_ADDRESS') ?? `agents@${supportDomain}`;
  return {
    supportAddress: required('SUPPORT_ADDRESS'),
    supportName: optional('SUPPORT_NAME') ?? 'Support',
    salesPhone: required('SALES_PHONE'),
    publicUrl: required('PUBLIC_URL').replace(/\/$/, ''),
    financeAddress: optional('FINANCE_ADDRESS') ?? required('SUPPORT_ADDRESS'),
    agentTeamAddress,
    agentMailDomain:
      optional('AGENT_MAIL_DOMAIN') ?? agentTeamAddress.split('@')[1] ?? supportDomain,
    leaseSeconds: integer('MAIL_LEASE_SECONDS', 120),
    acknowledgementLimits: {
      mailbox: positive('ACK_LIMIT_MAILBOX', DEFAULT_ACKNOWLEDGEMENT_LIMITS.mailbox),
      domain: positive('ACK_LIMIT_DOMAIN', DEFAULT_ACKNOWLEDGEMENT_LIMITS.domain),
      client: positive('ACK_LIMIT_CLIENT', DEFAULT_ACKNOWLEDGEMENT_LIMITS.client),
      windowSeconds: DEFAULT_ACKNOWLEDGEMENT_LIMITS.windowSeconds,
    },
  };
});

/** A limit from configuration: a whole number of at least 1. */
function positive(name: string, fallback: number): number {
  const value = integer(name, fallback);
  if (value < 1) throw new Error(`${name} must be at least 1, not ${value}`);
  return value;
}

/** Ids that sort by creation time: milliseconds, then randomness against collisions. */
function timeOrderedId(): string {
  return `${Date.now().toString(36).padStart(9, '0')}${randomBytes(6).toString('hex')}`;
}

/** `build`, called once, on first use. */
export function once<T>(build: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: build() }).v;
}

let shared: TableDependencies | undefined;

/**
 * The table's parts of this process, created on first use; the `with-*.ts` modules add the
 * other parts to this same object.
 */
export function dependencies(): TableDependencies {
  shared ??= createDependencies();
  return shared;
}
