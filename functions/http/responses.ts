import * as z from 'zod';
import { EXPORT_COLUMNS } from '../domain/billing-export';
import { HISTORY_ACTIONS } from '../domain/history';
import { UNITS } from '../domain/price-list';
import { HOLIDAY_REGIONS } from '../domain/service-levels/holidays';
import { WEEKDAYS } from '../domain/service-levels/plan';
import {
  CHANNELS,
  GROUPS,
  LOCALES,
  SEVERITIES,
  TICKET_STATUSES,
  VERIFICATION_METHODS,
} from '../domain/ticket';
import { TICKET_ID_PATTERN } from '../domain/ticket-number';

/**
 * What the HTTP API answers, as zod schemas: the OpenAPI document describes the responses
 * with them (`functions/http/contract.ts`), and the integration tests check every JSON
 * response they get against that document. Objects are exact (`additionalProperties:
 * false`), so a field that leaks into a response fails a test instead of going unnoticed.
 * The views that build the responses (`views.ts`) are type-checked against these schemas
 * in `test/unit/http/openapi.test.ts`.
 */

/** An instant, ISO-8601 UTC (`2025-01-31T09:15:00.000Z`). */
const instant = /* @__PURE__ */ (() => z.iso.datetime())();
/** A calendar day, `YYYY-MM-DD`. */
const day = /* @__PURE__ */ (() => z.iso.date())();
const ticketId = /* @__PURE__ */ (() => z.string().regex(TICKET_ID_PATTERN))();
const cents = /* @__PURE__ */ (() => z.number().int())();
const cursor = /* @__PURE__ */ (() =>
  z
    .string()
    .nullable()
    .describe('Pass it back as `cursor` for the next page; null on the last page.'))();

/**
 * RFC 9457 problem details: every error of the API. `title` and `status` are always there,
 * but in the errors API Gateway answers for whatever it has no response of its own for
 * (`lib/problem-responses.ts`: its templates cannot name the status), which are
 * `about:blank` with a `detail`.
 */
export const problem = /* @__PURE__ */ (() =>
  z.object({
    type: z
      .string()
      .describe('`urn:servicedesk:problem:<slug>`, or `about:blank` from API Gateway'),
    title: z.string().optional(),
    status: z.number().int().min(400).max(599).optional(),
    detail: z.string().describe('What is wrong, in a sentence'),
    errors: z
      .array(
        z.object({
          field: z.string().describe('`body.email`, `query.limit`, `path.ticketId`, `header`…'),
          message: z.string(),
        }),
      )
      .optional()
      .describe('Each offending field of a 400'),
  }))();

const customerRef = /* @__PURE__ */ (() =>
  z.object({
    id: z.string().nullable().describe('null for senders without a known customer'),
    name: z.string(),
  }))();

const attachment = /* @__PURE__ */ (() =>
  z.object({
    filename: z.string(),
    contentType: z.string(),
    size: z.number().int().min(0),
    key: z.string().optional().describe('Where it is stored; absent when it was refused'),
    rejected: z.string().optional().describe('Why it was not stored'),
  }))();

const message = /* @__PURE__ */ (() =>
  z.object({
    messageId: z.string(),
    author: z.object({
      kind: z.enum(['customer', 'agent']),
      name: z.string(),
      email: z.string().optional(),
    }),
    body: z.string(),
    internal: z.boolean(),
    channel: z.enum(CHANNELS),
    createdAt: instant,
    attachments: z.array(attachment),
    unverified: z
      .literal(true)
      .optional()
      .describe(
        'A mail from a sender who may not write into the ticket, kept as an internal note (agents only; SPEC §14)',
      ),
  }))();

/** Where a waiting (`open`) ticket stands in the queue (SPEC §10); absent otherwise. */
export const queueStanding = /* @__PURE__ */ (() =>
  z
    .object({
      position: z.number().int().min(1).describe('1 = the next ticket to be claimed'),
      aheadContract: z.number().int().min(0).describe('Contract tickets ahead of it'),
      aheadStandard: z.number().int().min(0).describe('Standard tickets ahead of it'),
      estimatedStart: z
        .object({ earliest: instant, latest: instant })
        .nullable()
        .describe(
          'A range from the measured rate of claims, no promise; null while there is too little history. Contract or more severe tickets that arrive later go first',
        ),
    })
    .describe('Exact at the moment of reading'))();

/** Why the claimed ticket was next (SPEC §10). */
export const claimReason = /* @__PURE__ */ (() =>
  z.object({
    group: z.enum(GROUPS),
    severity: z.enum(SEVERITIES),
    waitedMinutes: z.number().int().min(0).describe('From receipt to the claim'),
    ahead: z
      .object({ contract: z.number().int().min(0), standard: z.number().int().min(0) })
      .describe(
        'The waiting tickets it was taken ahead of, per group (those still waiting after it), as this instance counted them at most 0.5 s before',
      ),
  }))();

/** `sla` of a contract ticket's views (SPEC §9); standard tickets have none. */
export const sla = /* @__PURE__ */ (() =>
  z.object({
    planId: z.string(),
    firstResponseDue: instant,
    resolutionDue: instant.describe('Moves later by the business time paused'),
    firstResponseAt: instant.optional(),
    resolvedAt: instant.optional(),
    firstResponse: z.enum(['pending', 'met', 'breached']),
    resolution: z.enum(['pending', 'paused', 'met', 'breached']),
  }))();

/** For agents: `at-risk` once a pending target has used 80 % of its business time. */
const slaRisk = /* @__PURE__ */ (() => z.enum(['ok', 'at-risk', 'breached']))();

/**
 * What customers and agents both see of a ticket. A function, so a handler whose bundle
 * leaves out both views does not build these schemas at start.
 */
function ticketFields() {
  return {
    ticketId,
    status: z.enum(TICKET_STATUSES),
    group: z.enum(GROUPS),
    severity: z.enum(SEVERITIES),
    receivedAt: instant,
    updatedAt: instant,
    subject: z.string(),
    description: z.string(),
    channel: z.enum(CHANNELS),
    locale: z.enum(LOCALES),
  };
}

/** The customer's view of their ticket (with `X-Ticket-Token`): no internal notes. */
export const customerTicket = /* @__PURE__ */ (() =>
  z.object({
    ...ticketFields(),
    attachments: z.array(attachment),
    sla: sla.optional(),
    messages: z.array(message),
    queue: queueStanding.optional(),
    mergedInto: ticketId
      .optional()
      .describe('This request was merged into that ticket: replies sent here are added there'),
  }))();

/** A ticket as agents see it. */
export const agentTicket = /* @__PURE__ */ (() =>
  z.object({
    ...ticketFields(),
    requester: z.object({
      name: z.string(),
      email: z.string().optional(),
      phone: z.string().optional(),
    }),
    customer: customerRef,
    assignee: z.string().optional().describe('The agent holding it'),
    takenOutOfOrder: z
      .object({ by: z.string(), at: instant })
      .optional()
      .describe('Who took it while another ticket waited before it in the queue, and when'),
    version: z.number().int().describe('Rises with every change'),
    attachments: z.array(attachment).optional(),
    queue: queueStanding.optional(),
    sla: sla.optional(),
    slaRisk: slaRisk.optional(),
    slaRemaining: z
      .object({
        firstResponseMinutes: z.number().int().nullable(),
        resolutionMinutes: z.number().int().nullable(),
      })
      .optional()
      .describe(
        'Business minutes left to each due time (negative once passed; null: met or paused)',
      ),
    firstAttendedAt: instant
      .optional()
      .describe('When an agent first took or answered it: the end of its waiting time'),
    requesterVerified: z
      .boolean()
      .describe("Whether the requester's address is proven theirs (SPEC §14)"),
    requesterVerifiedBy: z
      .enum(VERIFICATION_METHODS)
      .nullable()
      .describe('How: a mail whose DMARC passed, the confirm link, or a portal session'),
    relatedTicketId: ticketId
      .nullable()
      .describe('The ticket a mail from someone not of its people named, that became this one'),
    anonymised: z
      .object({ at: instant, reason: z.enum(['erasure', 'retention']) })
      .optional()
      .describe(
        "The requester's personal data was erased: on request or after the retention period",
      ),
    mergedInto: z
      .object({ ticketId, at: instant, by: z.string() })
      .optional()
      .describe('Merged (closed) into that ticket, when and by whom; replies to it go there'),
  }))();

/** `POST /tickets/{ticketId}/merge`: the ticket merged (closed) and the one it went into. */
export const mergedTickets = /* @__PURE__ */ (() =>
  z.object({
    source: agentTicket,
    target: agentTicket,
  }))();

/** `POST /queue/claim`: the claimed ticket and why it was next. */
export const claimedTicket = /* @__PURE__ */ (() => agentTicket.extend({ claimReason }))();

const sentMail = /* @__PURE__ */ (() =>
  z.object({
    kind: z.string().describe('`acknowledgement`, `agent-reply`, `billing-notice`…'),
    to: z.string(),
    subject: z.string(),
    sentAt: instant,
    messageId: z.string().describe('The Message-ID SES gave the mail'),
    ownMessageId: z.string(),
    inReplyTo: z.string().nullable(),
    references: z.array(z.string()),
  }))();

/** A work entry: what was done, and what of it is covered by the contract and billed. */
export const workEntry = /* @__PURE__ */ (() =>
  z.object({
    entryId: z.string(),
    ticketId,
    agent: z.string(),
    date: day.describe('Europe/Berlin day of the work'),
    minutes: z.number().int(),
    serviceCode: z.string(),
    serviceName: z.string(),
    unit: z.enum(UNITS),
    description: z.string(),
    coveredMinutes: z.number().int(),
    billableMinutes: z.number().int(),
    quantity: z.number(),
    unitPriceCents: cents,
    amountCents: cents,
    currency: z.literal('EUR'),
    priceListVersion: z.number().int(),
    customer: customerRef,
    contractId: z.string().optional(),
    recordedAt: instant,
  }))();

/** The full view of a ticket for agents: conversation with internal notes, mails, work. */
export const agentTicketWithHistory = /* @__PURE__ */ (() =>
  agentTicket.extend({
    messages: z.array(message),
    workEntries: z.array(workEntry),
    mails: z.array(sentMail),
  }))();

/** `POST /tickets`. */
export const submittedTicket = /* @__PURE__ */ (() =>
  z.object({
    ticketId,
    status: z.enum(TICKET_STATUSES),
    group: z.enum(GROUPS),
    severity: z.enum(SEVERITIES),
    receivedAt: instant,
    accessToken: z.string().describe('Send it as `X-Ticket-Token` to read and answer the ticket'),
  }))();

/** `POST /intake/voicemail`. */
export const voicemailTicket = /* @__PURE__ */ (() =>
  z.object({
    ticketId,
    status: z.enum(TICKET_STATUSES),
    group: z.enum(GROUPS),
    channel: z.literal('phone'),
    customer: customerRef.nullable(),
    receivedAt: instant,
  }))();

/** `POST /tickets/{ticketId}/messages`: the message and where the ticket now stands. */
export const postedMessage = /* @__PURE__ */ (() =>
  message.extend({
    ticketStatus: z.enum(TICKET_STATUSES),
    addedTo: ticketId
      .optional()
      .describe('The ticket the message was added to, when the one written to was merged into it'),
  }))();

const queueItemFields = {
  ticketId,
  group: z.enum(GROUPS),
  severity: z.enum(SEVERITIES),
  receivedAt: instant,
  subject: z.string(),
  customer: customerRef,
  requester: z.object({ name: z.string(), email: z.string().nullable() }),
  sla: sla.optional(),
  slaRisk: slaRisk.optional(),
  requesterVerified: z
    .boolean()
    .describe("Whether the requester's address is proven theirs; the group follows it anyway"),
};

/** `GET /queue`: one page in queue order. */
export const queuePage = /* @__PURE__ */ (() =>
  z.object({
    items: z.array(z.object(queueItemFields)),
    nextCursor: cursor,
  }))();

/** One change of a ticket (SPEC §13): ids, statuses and codes, never personal data. */
export const historyRecord = /* @__PURE__ */ (() =>
  z.object({
    at: instant,
    actor: z.string().describe("A staff member's `sub`, or `customer`, `mail`, `system`"),
    action: z.enum(HISTORY_ACTIONS),
    from: z.string().optional(),
    to: z.string().optional(),
    ref: z.string().optional().describe('The message, work entry or related ticket, by id'),
  }))();

/** `GET /tickets/{ticketId}/history`: one page of a ticket's changes, oldest first. */
export const historyPage = /* @__PURE__ */ (() =>
  z.object({ items: z.array(historyRecord), nextCursor: cursor }))();

/** `POST /privacy/erasures`: what the erasure changed (nothing, when repeated). */
export const erasureReport = /* @__PURE__ */ (() =>
  z.object({
    email: z.string(),
    erasedAt: instant,
    tickets: z.array(ticketId).describe('The tickets it changed'),
    messages: z.number().int().describe('Messages whose body, author or files were erased'),
    mails: z.number().int().describe('Mail records whose recipient, subject or raw mail went'),
    workEntries: z.number().int().describe('Billing records that lost description or person'),
    files: z.number().int().describe('Attachments and raw mails deleted from the mail bucket'),
    contacts: z.array(z.string()).describe('Customers the address was a contact of, by id'),
    verifiedAddress: z.boolean().describe('Whether a record that the address was proven went'),
    erasureId: z.string().describe('The SHA-256 of the address (base64url): the status route'),
    status: z
      .enum(['running', 'done'])
      .describe('`running`: the budget of one request was spent; send the same request again'),
    startedAt: instant,
    updatedAt: instant,
    by: z.string().describe('The admin who asked'),
  }))();

/** `GET /privacy/erasures/{erasureId}`: an erasure's progress (no address in it). */
export const erasureJob = /* @__PURE__ */ (() =>
  erasureReport.omit({ email: true, erasedAt: true }))();

/** `GET /privacy/subjects`: everything stored about one person (GDPR Art. 15/20). */
export const subjectExport = /* @__PURE__ */ (() =>
  z.object({
    email: z.string(),
    generatedAt: instant,
    contacts: z.array(
      z.object({
        customerId: z.string(),
        customerName: z.string(),
        name: z.string().optional(),
        phone: z.string().optional(),
      }),
    ),
    verifiedAddress: z.object({ method: z.string(), at: instant }).nullable(),
    tickets: z.array(
      z.object({
        ticketId,
        status: z.enum(TICKET_STATUSES),
        receivedAt: instant,
        updatedAt: instant,
        channel: z.enum(CHANNELS),
        subject: z.string(),
        description: z.string(),
        requester: z.object({
          name: z.string(),
          email: z.string().optional(),
          phone: z.string().optional(),
        }),
        customer: customerRef.nullable(),
        messages: z.array(message),
        mails: z.array(
          z.object({
            direction: z.enum(['in', 'out']),
            at: z.string(),
            kind: z.string().optional(),
            to: z.string().optional(),
            subject: z.string().optional(),
          }),
        ),
        attachments: z.array(
          z.object({
            filename: z.string(),
            contentType: z.string(),
            size: z.number().int().min(0),
            downloadUrl: z.string().nullable().describe('A short-lived link; null when not stored'),
          }),
        ),
        workEntries: z.array(
          z.object({
            entryId: z.string(),
            date: day,
            minutes: z.number().int(),
            serviceCode: z.string(),
            serviceName: z.string(),
            description: z.string(),
            billableMinutes: z.number().int(),
            amountCents: cents,
            currency: z.literal('EUR'),
          }),
        ),
      }),
    ),
    messagesElsewhere: z
      .array(
        z.object({
          ticketId,
          messages: z.array(message),
          attachments: z.array(
            z.object({
              filename: z.string(),
              contentType: z.string(),
              size: z.number().int().min(0),
              downloadUrl: z.string().nullable(),
            }),
          ),
        }),
      )
      .describe(
        'What the person wrote on tickets other people requested: only their own messages (found by the author index)',
      ),
  }))();

/** `GET /tickets?assignee=me`: the caller's tickets in hand. */
export const heldTicketsPage = /* @__PURE__ */ (() =>
  z.object({
    items: z.array(
      z.object({ ...queueItemFields, status: z.enum(TICKET_STATUSES), updatedAt: instant }),
    ),
    nextCursor: cursor,
  }))();

/** A customer with contacts, mail domains and contract. */
export const customer = /* @__PURE__ */ (() =>
  z.object({
    customerId: z.string(),
    name: z.string(),
    domains: z.array(z.string()),
    contacts: z.array(
      z.object({
        email: z.string(),
        name: z.string().optional(),
        phone: z.string().optional(),
        ownTicketsOnly: z.boolean().optional(),
      }),
    ),
    contract: z
      .object({
        id: z.string(),
        validFrom: day,
        validTo: day.optional(),
        includedMinutesPerMonth: z.number().int(),
        coveredServiceCodes: z.array(z.string()),
        serviceLevel: z.string().optional().describe('The plan; the default plan without it'),
        monthlyFeeCents: cents.optional().describe('Net fee per month (EUR)'),
      })
      .optional(),
    updatedAt: instant.optional(),
  }))();

/** `PUT /customers/{customerId}`: the customer saved, and how many waiting tickets moved. */
export const savedCustomer = /* @__PURE__ */ (() =>
  customer.extend({
    regroupedTickets: z.number().int().min(0).describe('Waiting tickets moved to another group'),
  }))();

/** `GET /customers`. */
export const customerPage = /* @__PURE__ */ (() =>
  z.object({ items: z.array(customer), nextCursor: cursor }))();

/** The price list in force. */
export const priceList = /* @__PURE__ */ (() =>
  z.object({
    version: z.number().int().min(0).describe('0 is the list that ships with the project'),
    currency: z.literal('EUR'),
    validFrom: instant.optional(),
    services: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        unit: z.enum(UNITS),
        unitPriceCents: cents,
      }),
    ),
  }))();

const NUMERIC_COLUMNS = /* @__PURE__ */ (() =>
  new Set<string>(['minutes', 'billableMinutes', 'quantity', 'unitPriceCents', 'amountCents']))();

/** `GET /exports/billing?format=json`: one row per billable entry and totals per customer. */
export const billingExport = /* @__PURE__ */ (() =>
  z.object({
    month: z.string(),
    currency: z.literal('EUR'),
    rows: z.array(
      z.object(
        Object.fromEntries(
          EXPORT_COLUMNS.map((column) => [
            column,
            NUMERIC_COLUMNS.has(column) ? z.number() : z.string(),
          ]),
        ),
      ),
    ),
    totals: z.array(
      z.object({
        customerId: z.string().nullable(),
        customerName: z.string(),
        entries: z.number().int(),
        amountCents: cents,
      }),
    ),
  }))();

const interval = /* @__PURE__ */ (() => z.tuple([z.string(), z.string()]))();
const targets = /* @__PURE__ */ (() =>
  z.object({
    firstResponseMinutes: z.number().int(),
    resolutionMinutes: z.number().int(),
  }))();

/** A service-level plan: business calendar and targets per severity, in business minutes. */
export const serviceLevelPlan = /* @__PURE__ */ (() =>
  z.object({
    planId: z.string(),
    name: z.string(),
    timeZone: z.string(),
    region: z.enum(HOLIDAY_REGIONS),
    businessHours: z.object(
      Object.fromEntries(WEEKDAYS.map((day) => [day, z.array(interval)])) as Record<
        (typeof WEEKDAYS)[number],
        z.ZodArray<typeof interval>
      >,
    ),
    closedDates: z.array(day).optional(),
    targets: z.object(
      Object.fromEntries(SEVERITIES.map((s) => [s, targets])) as Record<
        (typeof SEVERITIES)[number],
        typeof targets
      >,
    ),
    updatedAt: instant.optional(),
  }))();

/** `GET /service-levels`. */
export const serviceLevelPlans = /* @__PURE__ */ (() =>
  z.object({
    defaultPlanId: z.string().describe('The plan of contracts without `serviceLevel`'),
    items: z.array(serviceLevelPlan),
  }))();

const waitingTime = /* @__PURE__ */ (() =>
  z.object({
    tickets: z.number().int(),
    attended: z.number().int(),
    medianWaitingMinutes: z.number().nullable(),
  }))();

/** `GET /reports/service-levels?format=json`. */
export const serviceLevelReport = /* @__PURE__ */ (() =>
  z.object({
    month: z.string(),
    generatedAt: instant,
    rows: z.array(
      z.object({
        customerId: z.string(),
        customerName: z.string(),
        planId: z.string(),
        tickets: z.number().int(),
        firstResponsesMet: z.number().int(),
        firstResponsesBreached: z.number().int(),
        firstResponsesPending: z.number().int(),
        resolutionsMet: z.number().int(),
        resolutionsBreached: z.number().int(),
        resolutionsOpen: z.number().int(),
        medianFirstResponseBusinessMinutes: z.number().nullable(),
        medianWaitingMinutes: z.number().nullable(),
      }),
    ),
    waitingTime: z.object({ contract: waitingTime, standard: waitingTime }),
  }))();

/** `POST /tickets/{ticketId}/attachments`: the file as stored. */
export const storedAttachment = /* @__PURE__ */ (() =>
  attachment.required({ key: true }).omit({ rejected: true }))();

/** `POST /tickets/{ticketId}/confirm`: the requester's address is verified. */
export const confirmedAddress = /* @__PURE__ */ (() =>
  z.object({ ticketId, requesterVerified: z.literal(true) }))();

/** `GET /tickets/{ticketId}/attachments?format=json`. */
export const attachmentLink = /* @__PURE__ */ (() =>
  z.object({
    url: z.url().describe('Works for 15 minutes'),
  }))();

/** `GET /health`. */
export const health = /* @__PURE__ */ (() => z.object({ status: z.literal('ok') }))();

/** `GET /openapi.json`: an OpenAPI 3.1 document (its own schema is the OpenAPI one). */
export const openApiDocument = /* @__PURE__ */ (() =>
  z.looseObject({
    openapi: z.string(),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()),
  }))();

/** `POST /portal/session`. */
export const portalSession = /* @__PURE__ */ (() =>
  z.object({
    sessionToken: z
      .string()
      .describe('Send it as `Authorization: Bearer <sessionToken>` to the `/portal/…` routes'),
    expiresAt: instant,
  }))();

/** `GET /portal/me`. */
export const portalMe = /* @__PURE__ */ (() =>
  z.object({
    email: z.string(),
    name: z.string().describe('The name new tickets are filed under'),
    customer: z
      .object({ id: z.string(), name: z.string() })
      .nullable()
      .describe('null for a requester without a customer record: they see only their own'),
    ownTicketsOnly: z.boolean().describe('Whether the portal shows only tickets they sent'),
    expiresAt: instant,
  }))();

const requesterRef = /* @__PURE__ */ (() =>
  z.object({ name: z.string(), email: z.string().nullable() }))();

/** `GET /portal/tickets`: one page, newest first. */
export const portalTicketsPage = /* @__PURE__ */ (() =>
  z.object({
    items: z.array(
      z.object({
        ticketId,
        status: z.enum(TICKET_STATUSES),
        group: z.enum(GROUPS),
        severity: z.enum(SEVERITIES),
        receivedAt: instant,
        updatedAt: instant,
        subject: z.string(),
        requester: requesterRef,
      }),
    ),
    nextCursor: cursor,
  }))();

/** `GET /portal/tickets/{ticketId}`: the customer's view, and who sent the ticket. */
export const portalTicket = /* @__PURE__ */ (() =>
  customerTicket.extend({ requester: requesterRef }))();

/** `POST /portal/tickets`. */
export const portalSubmittedTicket = /* @__PURE__ */ (() =>
  submittedTicket.omit({ accessToken: true }))();

/** `GET /portal/contract`. */
export const portalContract = /* @__PURE__ */ (() =>
  z.object({
    customer: z.object({ id: z.string(), name: z.string() }),
    contract: z
      .object({
        id: z.string(),
        validFrom: day,
        validTo: day.optional(),
        includedMinutesPerMonth: z.number().int(),
        coveredServiceCodes: z.array(z.string()),
      })
      .nullable()
      .describe('null for a customer without a contract'),
    active: z.boolean().describe('Whether the contract covers today (Europe/Berlin)'),
    thisMonth: z
      .object({
        month: z.string(),
        includedMinutes: z.number().int(),
        usedMinutes: z.number().int(),
        leftMinutes: z.number().int(),
      })
      .nullable(),
    plan: serviceLevelPlan
      .nullable()
      .describe(
        "The contract's service-level plan: business hours and targets; null without a contract",
      ),
    months: z
      .array(
        z.object({
          month: z.string(),
          usedMinutes: z.number().int(),
          includedMinutes: z.number().int(),
          serviceLevels: z
            .array(
              z.object({
                planId: z.string(),
                tickets: z.number().int(),
                firstResponsesMet: z.number().int(),
                firstResponsesBreached: z.number().int(),
                firstResponsesPending: z.number().int(),
                resolutionsMet: z.number().int(),
                resolutionsBreached: z.number().int(),
                resolutionsOpen: z.number().int(),
                medianFirstResponseBusinessMinutes: z.number().nullable(),
                medianWaitingMinutes: z.number().nullable(),
              }),
            )
            .describe(
              "The month's service-level results as the monthly report counts them (tickets by Berlin month of receipt), one row per plan; none in a month the contract did not run",
            ),
        }),
      )
      .describe('The current Berlin month and the 11 before, oldest first'),
  }))();

/** `POST /portal/sign-in`: the same for every address. */
export const portalSignInAccepted = /* @__PURE__ */ (() =>
  z.object({
    status: z.literal('accepted'),
    detail: z.string(),
  }))();

/** The reference contract of the upsell report. */
export const referenceContract = /* @__PURE__ */ (() =>
  z.object({
    monthlyFeeCents: cents,
    includedMinutesPerMonth: z.number().int(),
    coveredServiceCodes: z.array(z.string()),
    updatedAt: instant.optional().describe('Absent for the shipped default'),
  }))();

const contractMonth = /* @__PURE__ */ (() =>
  z.object({
    month: z.string(),
    includedMinutes: z.number().int(),
    usedMinutes: z.number().int(),
    coveredValueCents: cents,
    billedCents: cents,
  }))();

/** `GET /reports/contracts?format=json`. */
export const contractReport = /* @__PURE__ */ (() =>
  z.object({
    month: z.string(),
    generatedAt: instant,
    currency: z.literal('EUR'),
    rows: z.array(
      z.object({
        customerId: z.string(),
        customerName: z.string(),
        contractId: z.string(),
        monthlyFeeCents: cents.nullable(),
        includedMinutes: z.number().int(),
        usedMinutes: z.number().int(),
        utilisationPercent: z.number().int().nullable(),
        coveredValueCents: cents.describe(
          'What the covered work would have cost at the entries’ list prices, less what was billed for it',
        ),
        billedCents: cents.describe('Billed beyond the contract'),
        valueLessFeeCents: cents.nullable(),
        serviceLevels: z.object({
          tickets: z.number().int(),
          firstResponsesMet: z.number().int(),
          firstResponsesBreached: z.number().int(),
          resolutionsMet: z.number().int(),
          resolutionsBreached: z.number().int(),
        }),
        trend: z.array(contractMonth).describe('The 12 months up to the report’s, oldest first'),
      }),
    ),
  }))();

/** `GET /reports/upsell?format=json`. */
export const upsellReport = /* @__PURE__ */ (() =>
  z.object({
    months: z.array(z.string()),
    generatedAt: instant,
    currency: z.literal('EUR'),
    reference: referenceContract,
    rows: z.array(
      z.object({
        rank: z.number().int(),
        customerId: z.string().nullable(),
        name: z.string(),
        domain: z.string().nullable().describe('Senders without a customer record, by mail domain'),
        months: z.number().int(),
        entries: z.number().int(),
        minutes: z.number().int(),
        billedCents: cents,
        tickets: z.object({
          critical: z.number().int(),
          high: z.number().int(),
          normal: z.number().int(),
          low: z.number().int(),
          total: z.number().int(),
        }),
        referenceFeesCents: cents,
        referenceBilledCents: cents,
        referenceCostCents: cents,
        savingCents: cents,
      }),
    ),
  }))();
