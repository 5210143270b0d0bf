import { randomBytes } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ClaimCandidates } from '../app/claim-candidates';
import type { ExportStore } from '../app/export-ports';
import type { IntakeDeps } from '../app/intake-mail';
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
import type { MailFiles, PersonalData } from '../app/privacy';
import type { PortalMailDeps, PortalSessions, PortalSignIns } from '../app/portal-ports';
import { DynamoPortalStore } from '../adapters/portal-store';
import { DynamoCustomerRepository } from '../adapters/customer-repository';
import { createDocumentClient } from '../adapters/dynamodb';
import { DynamoIdempotencyStore } from '../adapters/idempotency-store';
import { DynamoMailLog } from '../adapters/mail-log';
import { DynamoMessageRepository } from '../adapters/message-repository';
import { DynamoTicketHistory } from '../adapters/history-reader';
import { DynamoPersonalData } from '../adapters/personal-data';
import { DynamoRateLimiter } from '../adapters/rate-limiter';
import { S3ExportStore } from '../adapters/s3-export-store';
import { S3MailBucket } from '../adapters/s3-mail-bucket';
import { SesMailSender } from '../adapters/ses-mail-sender';
import { SqsOutbox } from '../adapters/sqs-outbox';
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
import { SecretAccessTokens } from '../adapters/access-tokens';
import { DEFAULT_ACKNOWLEDGEMENT_LIMITS } from '../domain/mail/mail-policy';
import { integer, optional, required } from './config';
import { instrumented } from './instrumentation';
import { powertoolsMetrics } from './metrics';
import { secret } from './secrets';

export type Dependencies = TicketDeps &
  MailerDeps &
  IntakeDeps &
  RecordWorkDeps & {
    /** The mail bucket: raw received mail, attachments, quarantine. */
    mailBucket: S3MailBucket;
    exports: ExportStore;
    /** The queue heads this instance read last, shared by its claims. */
    claimCandidates: ClaimCandidates;
    /** Counts of waiting tickets per queue bucket and the claim tally. */
    queueCounters: DynamoQueueCounters;
    /** The portal's reads of tickets (the same repository as `tickets`). */
    portalTickets: PortalTickets;
    signIns: PortalSignIns;
    sessions: PortalSessions;
    portal: PortalMailDeps;
    allowanceUsage: AllowanceUsage;
    /** The queue measured for the dashboard (the same repository as `tickets`). */
    queueStatistics: QueueStatistics;
    referenceContracts: ReferenceContractStore;
    /** Tickets' histories (SPEC §13). */
    history: TicketHistory;
    /** The writes of erasures and retention (SPEC §13). */
    personalData: PersonalData;
    /** The mail bucket's files, which erasures and retention delete. */
    mailFiles: MailFiles;
  };

/**
 * The composition root: AWS clients and repositories, built once per cold start (or once
 * per local process) from configuration. Each part is built on first use, so a function
 * is only asked for the configuration of what it really uses (a queue-reading function
 * has no outbox). `*_ENDPOINT` variables point the clients at the local stand-ins.
 */
export function createDependencies(): Dependencies {
  const clock: Clock = { now: () => new Date() };
  const region = () => optional('AWS_REGION') ?? 'eu-central-1';
  const table = once(() => {
    const endpoint = optional('DYNAMODB_ENDPOINT');
    return { db: createDocumentClient(endpoint ? { endpoint } : {}), name: required('TABLE_NAME') };
  });
  const s3 = once(() => {
    const endpoint = optional('S3_ENDPOINT');
    return instrumented(new S3Client(endpoint ? { endpoint, forcePathStyle: true } : {}));
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
    mailFiles: () => deps.mailBucket,
    workEntries: () => new DynamoWorkEntryRepository(table().db, table().name),
    allowances: () => new DynamoAllowances(table().db, table().name, clock),
    priceLists: () => new DynamoPriceListStore(table().db, table().name, clock),
    serviceLevels: () => new DynamoServiceLevelPlans(table().db, table().name, clock),
    referenceContracts: () => new DynamoReferenceContractStore(table().db, table().name),
    mailLog: () => new DynamoMailLog(table().db, table().name, clock),
    rateLimiter: () => new DynamoRateLimiter(table().db, table().name, clock),
    portalTickets: () => deps.tickets as DynamoTicketRepository,
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
    outbox: () => {
      const endpoint = optional('SQS_ENDPOINT');
      return new SqsOutbox(
        instrumented(new SQSClient(endpoint ? { endpoint } : {})),
        required('OUTBOX_QUEUE_URL'),
      );
    },
    sender: () => {
      const endpoint = optional('SES_ENDPOINT');
      return new SesMailSender(
        // Adaptive retries: the client slows its own sending when SES throttles it.
        instrumented(
          new SESv2Client({
            ...(endpoint ? { endpoint } : {}),
            retryMode: 'adaptive',
            maxAttempts: 5,
          }),
        ),
        region(),
        mailSettings().supportName,
      );
    },
    settings: () => mailSettings(),
    accessTokens: () => new SecretAccessTokens(() => secret('ACCESS_TOKEN_SECRET')),
    mailBucket: () => new S3MailBucket(s3(), required('MAIL_BUCKET')),
    exports: () => new S3ExportStore(s3(), required('EXPORT_BUCKET')),
    attachments: () => deps.mailBucket,
  };
  const built = new Map<string, unknown>();
  const deps = {
    clock,
    newMessageIdLocalPart: () => randomBytes(16).toString('hex'),
    newId: timeOrderedId,
    metrics: powertoolsMetrics,
  } as Dependencies;
  for (const [name, build] of Object.entries(parts)) {
    Object.defineProperty(deps, name, {
      enumerable: true,
      get: () => {
        if (!built.has(name)) built.set(name, build());
        return built.get(name);
      },
    });
  }
  return deps;
}

const mailSettings = once(() => {
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

function once<T>(build: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: build() }).v;
}

let shared: Dependencies | undefined;

/** The dependencies of this process, created on first use. */
export function dependencies(): Dependencies {
  shared ??= createDependencies();
  return shared;
}
