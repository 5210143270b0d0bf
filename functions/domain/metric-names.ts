/**
 * The service desk's business metrics (CloudWatch, written as Embedded Metric Format log
 * lines by Powertools Metrics): one plain-data module that the functions emitting them and
 * the stack's dashboard and alarms both import, so a name cannot drift between the two.
 * Values carry no personal data: counts, durations, and dimensions from small fixed sets.
 */

/** The CloudWatch namespace of every metric the functions write. */
export const METRICS_NAMESPACE = 'ServiceDesk';

/**
 * The `service` dimension Powertools puts on every metric (it always adds one), the same
 * for every function, so that an alarm or a widget names one series per metric and group.
 */
export const METRICS_SERVICE = 'servicedesk';

/** CloudWatch units the metrics use (the strings CloudWatch and Powertools take). */
export type MetricUnitName = 'Count' | 'Milliseconds';

/** Dimension names beyond `service`. */
export type MetricDimension = 'group' | 'channel' | 'reason' | 'target';

/** A metric: its name, unit, the dimensions it carries (beyond `service`) and what it means. */
export interface MetricDefinition {
  readonly name: string;
  readonly unit: MetricUnitName;
  readonly dimensions: readonly MetricDimension[];
  readonly description: string;
}

/**
 * Why an incoming mail made no ticket and no message: the intake's reasons, grouped into a
 * few values (a dimension must come from a small set).
 */
export const IGNORED_MAIL_REASONS = [
  'spam-or-virus',
  'bounce',
  'auto-reply',
  'mailing-list',
  'mail-loop',
  'machine-sender',
  'other',
] as const;
export type IgnoredMailReason = (typeof IGNORED_MAIL_REASONS)[number];

/** Which service-level target a duration or breach is about. */
export const SLA_TARGETS = ['firstResponse', 'resolution'] as const;
export type SlaTarget = (typeof SLA_TARGETS)[number];

/** Every business metric, by key. */
export const METRICS = {
  ticketsReceived: {
    name: 'TicketsReceived',
    unit: 'Count',
    dimensions: ['group', 'channel'],
    description: 'Tickets made (a replayed submission is not counted again), by group and channel',
  },
  queueDepth: {
    name: 'QueueDepth',
    unit: 'Count',
    dimensions: ['group'],
    description: 'Tickets waiting in the queue (status open), by group; published every minute',
  },
  oldestWaiting: {
    name: 'OldestWaitingTicketAge',
    unit: 'Milliseconds',
    dimensions: ['group'],
    description: 'How long the oldest waiting ticket of a group has waited; every minute',
  },
  timeToClaim: {
    name: 'TimeToClaim',
    unit: 'Milliseconds',
    dimensions: ['group'],
    description: 'From receipt to the claim by `POST /queue/claim`, by group',
  },
  slaBusinessTime: {
    name: 'ServiceLevelBusinessTime',
    unit: 'Milliseconds',
    dimensions: ['target'],
    description:
      'Business time from the start of the SLA clock to the first response or the resolution ' +
      'of a contract ticket (paused time left out), by target',
  },
  slaBreaches: {
    name: 'ServiceLevelBreaches',
    unit: 'Count',
    dimensions: ['target'],
    description: 'Contract tickets that missed a target (found by the escalation job), by target',
  },
  acknowledgementsSent: {
    name: 'AcknowledgementsSent',
    unit: 'Count',
    dimensions: [],
    description: 'Acknowledgement mails SES took',
  },
  acknowledgementsFailed: {
    name: 'AcknowledgementsFailed',
    unit: 'Count',
    dimensions: [],
    description: 'Attempts to send an acknowledgement that failed (each is retried)',
  },
  acknowledgementsSuppressed: {
    name: 'AcknowledgementsSuppressed',
    unit: 'Count',
    dimensions: [],
    description: 'Acknowledgements not sent by policy (no-reply address, rate limits)',
  },
  acknowledgementLag: {
    name: 'AcknowledgementLag',
    unit: 'Milliseconds',
    dimensions: [],
    description: "From a ticket's receipt to SES taking its acknowledgement",
  },
  acknowledgementsNotQueued: {
    name: 'AcknowledgementsNotQueued',
    unit: 'Count',
    dimensions: [],
    description:
      'Stored tickets whose acknowledgement could not be put on the outbox at once (the ' +
      'sweeper queues it within a minute)',
  },
  mailsIgnored: {
    name: 'MailsIgnored',
    unit: 'Count',
    dimensions: ['reason'],
    description: 'Received mails that made no ticket and no message, by reason',
  },
  mailsQuarantined: {
    name: 'MailsQuarantined',
    unit: 'Count',
    dimensions: [],
    description: 'Received mails the intake could not read, moved to quarantine/ in the bucket',
  },
} as const satisfies Record<string, MetricDefinition>;

/** The key of a business metric in {@link METRICS}. */
export type MetricKey = keyof typeof METRICS;

/** The dimension values a metric needs, by name (`service` is added by the emitter). */
export type DimensionsOf<K extends MetricKey> = {
  readonly [D in (typeof METRICS)[K]['dimensions'][number]]: string;
};

/**
 * Maps an intake `ignored` reason (our own words: `admissionOf` in
 * `functions/domain/mail/sender-trust.ts`, `automaticMailReason` in `mail-policy.ts`) to the
 * reason dimension.
 */
export function ignoredMailReason(reason: string): IgnoredMailReason {
  const text = reason.toLowerCase();
  if (/verdict fail/.test(text)) return 'spam-or-virus';
  if (/bounce|delivery status/.test(text)) return 'bounce';
  if (/auto/.test(text)) return 'auto-reply';
  if (/list|precedence: (bulk|junk)/.test(text)) return 'mailing-list';
  if (/loop/.test(text)) return 'mail-loop';
  if (/machine sender/.test(text)) return 'machine-sender';
  return 'other';
}
