import type { z } from 'zod';
import * as response from './responses';
import * as request from './schemas';

/**
 * What each route of the route table takes and answers, keyed by its handler: the request
 * schemas the handler validates with (`schemas.ts`) and the schemas of its responses
 * (`responses.ts`). The OpenAPI document (`openapi-document.ts`) is generated from the
 * route table and this map; auth, path parameters and the errors that follow from them
 * (400, 401, 403, 404, 413, 415, 429) come from the route itself. A route without an
 * entry here fails `test/unit/http/openapi.test.ts`.
 *
 * Kept apart from the route table, which every handler bundles, so that only the
 * document's own handler carries every schema.
 */
export interface RouteContract {
  /** Checked as `path.*`: one property per `{name}` of the route's path. */
  path?: z.ZodObject;
  /** Checked as `query.*`. */
  query?: z.ZodObject;
  /** Request headers the route reads, by name. */
  headers?: Record<string, HeaderContract>;
  /** The JSON body, checked as `body.*`; a `form` route takes the same fields form-encoded. */
  body?: z.ZodType;
  /** Answers other than errors, by status. */
  responses: Record<number, ResponseContract>;
  /** Errors the route answers beyond those its auth and input imply: status → when. */
  problems?: Record<number, string>;
  /** More than the route's summary says. */
  description?: string;
}

/** A request header a route reads. */
export interface HeaderContract {
  schema: z.ZodType;
  description: string;
  /** @default false */
  required?: boolean;
}

/** One answer of a route. */
export interface ResponseContract {
  description: string;
  /** The JSON body, or the list of bodies it is one of. */
  json?: z.ZodType | readonly z.ZodType[];
  /** Bodies in other media types, described in words: media type → what. */
  other?: Record<string, string>;
  /** Response headers: name → what. */
  headers?: Record<string, string>;
}

/** The top-level schemas the document names in `components.schemas`, in that order. */
export const namedSchemas: Readonly<Record<string, z.ZodType>> = {
  Problem: response.problem,
  CustomerTicket: response.customerTicket,
  AgentTicket: response.agentTicket,
  AgentTicketWithHistory: response.agentTicketWithHistory,
  WorkEntry: response.workEntry,
  Customer: response.customer,
  PriceList: response.priceList,
  PortalTicket: response.portalTicket,
  ServiceLevelPlan: response.serviceLevelPlan,
};

const idempotencyKey: HeaderContract = {
  schema: request.idempotencyKeyHeader,
  description:
    'A retry with the same key and body answers what the first attempt did; the same key with another body is a 422',
};

const location = { location: 'Where the ticket is: `/tickets/{ticketId}`' };

/**
 * The answers of a download delivered like the billing export (`functions/app/deliver-export.ts`):
 * JSON or CSV in the response up to 5 MB, else a 303 to a link of the same file.
 */
function downloadResponses(what: string, json: z.ZodType): Record<number, ResponseContract> {
  return {
    200: {
      description: `${what}; up to 5 MB come in the response`,
      json,
      other: {
        'text/csv': '`format=csv` (comma, decimal point) or `excel` (`;`, decimal comma, BOM)',
      },
      headers: { 'content-disposition': 'attachment; filename="…"' },
    },
    303: {
      description: 'A larger file: to a download link of the same file',
      headers: { location: 'The link', 'content-disposition': 'attachment; filename="…"' },
    },
  };
}

/** The contract of every route, by handler module. */
export const contracts: Readonly<Record<string, RouteContract>> = {
  health: {
    responses: { 200: { description: 'Ready', json: response.health } },
  },
  openapi: {
    responses: {
      200: { description: 'This document, OpenAPI 3.1', json: response.openApiDocument },
    },
  },
  'submit-ticket': {
    headers: { 'Idempotency-Key': idempotencyKey },
    body: request.ticketSubmission,
    description:
      '`severity` defaults to `normal`, `locale` to `de` (`en`, `en-GB` … give English). The form posted without JavaScript (`application/x-www-form-urlencoded`) is answered with an HTML page, errors too.',
    responses: {
      201: {
        description: 'Created (or, with a known `Idempotency-Key`, the ticket it created)',
        json: response.submittedTicket,
        other: { 'text/html': 'The receipt page, for a form post' },
        headers: {
          ...location,
          'Idempotent-Replayed': '`true` when the answer is that of an earlier attempt',
        },
      },
    },
    problems: { 422: 'The `Idempotency-Key` was used with another body' },
  },
  'list-tickets': {
    query: request.heldTicketsQuery,
    responses: {
      200: {
        description:
          "The caller's tickets in progress or waiting for the customer, most recently changed first",
        json: response.heldTicketsPage,
      },
    },
  },
  'get-ticket': {
    path: request.ticketIdPath,
    responses: {
      200: {
        description:
          "The customer's view (public conversation) for the token, the full view for agents",
        json: [response.customerTicket, response.agentTicketWithHistory],
      },
    },
    problems: {
      401: 'Neither a ticket token nor a bearer token',
      404: 'No such ticket, or the token is not its token',
    },
  },
  'update-ticket': {
    path: request.ticketIdPath,
    body: request.ticketChange,
    description:
      'Resolving a ticket with billable work mails the customer a billing notice. A held ticket (`in_progress`, `waiting_customer`) is changed only by its assignee or an admin. `status: in_progress` on an open ticket takes it; when another ticket waited before it, the ticket records `takenOutOfOrder`.',
    responses: { 200: { description: 'The changed ticket', json: response.agentTicket } },
    problems: {
      403: 'Another agent holds the ticket (only they or an admin may change it)',
      404: 'No such ticket',
      409: 'The status cannot go there from where it is, or the ticket changed meanwhile',
    },
  },
  'post-message': {
    path: request.ticketIdPath,
    body: request.newMessage,
    description:
      "An agent's public message is mailed to the customer; an internal note is not. A customer's message reopens a resolved ticket and hands a `waiting_customer` ticket back to its agent. On a ticket another agent holds, agents add internal notes only.",
    responses: {
      201: { description: 'Added', json: response.postedMessage },
    },
    problems: {
      401: 'Neither a ticket token nor a bearer token',
      403: 'A public reply on a ticket another agent holds',
      404: 'No such ticket, or the token is not its token',
      409: 'The ticket is closed',
    },
  },
  'upload-attachment': {
    path: request.ticketIdPath,
    body: request.attachmentUpload,
    responses: { 201: { description: 'Stored', json: response.storedAttachment } },
    problems: {
      401: 'Neither a ticket token nor a bearer token',
      404: 'No such ticket, or the token is not its token',
      409: 'The ticket is closed, or its files would exceed 25 MB',
    },
  },
  'get-attachment': {
    path: request.ticketIdPath,
    query: request.attachmentQuery,
    responses: {
      200: { description: 'With `format=json`: the link', json: response.attachmentLink },
      303: {
        description: 'To a download link that works for 15 minutes',
        headers: { location: 'The link' },
      },
    },
    problems: {
      401: 'Neither a ticket token nor a bearer token',
      404: 'No such ticket or file, or the token is not its token',
    },
  },
  'release-ticket': {
    path: request.ticketIdPath,
    responses: {
      200: { description: 'Back in the queue at its original place', json: response.agentTicket },
    },
    problems: {
      403: 'Another agent holds the ticket (only they or an admin may release it)',
      404: 'No such ticket',
      409: 'Nobody holds the ticket',
    },
  },
  'merge-ticket': {
    path: request.ticketIdPath,
    body: request.mergeBody,
    description:
      "The ticket in the path (a duplicate) is merged into `intoTicketId`: it is closed with `mergedInto` and leaves the queue; both tickets get a `merge` history record; the target gets an internal note naming it. Its conversation and work entries stay where they are. Its requester still reads it with its token and sees `mergedInto`; later replies to it (status page, portal, mail) are added to the target — as the customer's message when the sender is the target's requester or one of its customer's people, else as an internal note (SPEC §14). A ticket held by another agent is merged only by them or an admin. Sending the same merge again answers 409 and changes nothing (it finishes a merge a crash cut short).",
    responses: {
      200: { description: 'Merged: both tickets as they are now', json: response.mergedTickets },
    },
    problems: {
      400: 'The body is not `{intoTicketId}`, or names the ticket itself',
      403: 'Another agent holds the ticket merged (only they or an admin may merge it)',
      404: 'No such ticket (either one)',
      409: 'Either ticket is closed or merged already (also: this very merge, sent again), or they changed meanwhile',
    },
  },
  'confirm-page': {
    path: request.ticketIdPath,
    query: request.confirmQuery,
    description:
      'Opened by the link in the acknowledgement of an unverified requester. It reads and changes nothing (mail scanners fetch links): its one button posts the code to `POST /tickets/{ticketId}/confirm`.',
    responses: {
      200: {
        description: 'The confirm page',
        other: { 'text/html': 'A page with a form that posts the code' },
      },
    },
  },
  'confirm-address': {
    path: request.ticketIdPath,
    body: request.confirmBody,
    description:
      "Proves the requester's address theirs: the ticket records it, and later tickets of the address start verified. Confirming twice answers the same. The confirm page's plain form post (`application/x-www-form-urlencoded`) is answered with an HTML page, errors too.",
    responses: {
      200: {
        description: 'The address is verified',
        json: response.confirmedAddress,
        other: { 'text/html': 'The thank-you page, for a form post' },
      },
    },
    problems: { 404: 'No such code for this ticket, or it expired (30 days)' },
  },
  'take-voicemail': {
    headers: {
      'X-Servicedesk-Timestamp': {
        schema: request.signatureTimestampHeader,
        description: 'Unix seconds; at most 5 minutes old',
        required: true,
      },
      'X-Servicedesk-Signature': {
        schema: request.signatureHeader,
        description:
          '`sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">` with the shared secret',
        required: true,
      },
    },
    body: request.voicemailBody,
    description:
      'A ticket on channel `phone`, matched to the customer and contact by the caller’s number.',
    responses: {
      201: { description: 'Created', json: response.voicemailTicket, headers: location },
      200: {
        description: 'The same voicemail again: the ticket it made',
        json: response.voicemailTicket,
        headers: location,
      },
    },
    problems: { 401: 'Unsigned, forged, or older than 5 minutes' },
  },
  'get-ticket-history': {
    path: request.ticketIdPath,
    query: request.queueQuery,
    responses: {
      200: {
        description:
          'One page of the changes (`{at, actor, action, from?, to?, ref?}`), oldest first: created, claim, take, take-out-of-order, release, status, assignee, severity, group, merge (`from` the ticket merged, `to` the one it went into), message, work, attachment, verified, erasure, retention',
        json: response.historyPage,
      },
    },
  },
  'privacy-subject': {
    query: request.subjectQuery,
    responses: {
      200: {
        description:
          'One JSON document (a download): the contacts and verified-address record of the address, and every ticket the person requested with its public messages, mails, files (short-lived links) and work entries. Found through indexes, written ticket by ticket',
        json: response.subjectExport,
        headers: { 'content-disposition': '`attachment; filename="personal-data.json"`' },
      },
      303: {
        description:
          'The document is larger than an answer holds (5 MB): it was written to the export bucket; the link works for 15 minutes',
        headers: { location: 'The link' },
      },
    },
  },
  'privacy-erasure': {
    body: request.erasureRequest,
    responses: {
      200: {
        description:
          'What was erased: the tickets changed (each records `erasure` in its history), counts of messages, mails, billing records and files, contacts and the verified-address record. Repeated: nothing',
        json: response.erasureReport,
      },
      202: {
        description:
          'Not finished within one request (`ERASURE_BATCH_TICKETS` tickets, 20 s): what was erased so far, `status: running`. Send the same request again to go on; it finds only what is left',
        json: response.erasureReport,
        headers: { location: '`/privacy/erasures/{erasureId}`: its progress' },
      },
    },
  },
  'privacy-erasure-status': {
    path: request.erasureIdPath,
    responses: {
      200: { description: "The erasure's progress", json: response.erasureJob },
    },
    problems: { 404: 'No erasure with this id (kept 90 days)' },
  },
  'list-queue': {
    query: request.queueQuery,
    responses: { 200: { description: 'One page in queue order', json: response.queuePage } },
  },
  'claim-ticket': {
    responses: {
      200: {
        description:
          'The claimed ticket (`in_progress`, `assignee` = caller) with `claimReason`: its group, severity, minutes waited and, per group, the waiting tickets it was taken ahead of',
        json: response.claimedTicket,
      },
      204: { description: 'Nothing waits' },
    },
  },
  'record-work': {
    path: request.ticketIdPath,
    headers: { 'Idempotency-Key': idempotencyKey },
    body: request.workBody,
    responses: {
      201: { description: 'Recorded', json: response.workEntry },
      200: {
        description: 'With a known `Idempotency-Key`: the entry recorded then',
        json: response.workEntry,
      },
    },
    problems: { 404: 'No such ticket', 409: 'The ticket is closed' },
  },
  'get-price-list': {
    responses: { 200: { description: 'The price list in force', json: response.priceList } },
  },
  'put-price-list': {
    body: request.priceListBody,
    responses: {
      200: { description: 'The new version, in force at once', json: response.priceList },
    },
    problems: { 409: '`basedOnVersion` is not the version in force' },
  },
  'export-billing': {
    query: request.exportQuery,
    description:
      'Europe/Berlin months; one row per billable entry, ordered by customer, date, entry.',
    responses: downloadResponses('The export', response.billingExport),
  },
  'list-customers': {
    query: request.customerListQuery,
    responses: { 200: { description: 'One page, by name', json: response.customerPage } },
  },
  'put-customer': {
    path: request.customerIdPath,
    body: request.customerBody,
    description:
      'Contacts are addresses or `{email, name?, phone?}`. Waiting tickets of the customer move to the group its contract gives today.',
    responses: {
      201: {
        description: 'Created',
        json: response.savedCustomer,
        headers: { location: '`/customers/{customerId}`' },
      },
      200: {
        description: 'Replaced',
        json: response.savedCustomer,
        headers: { location: '`/customers/{customerId}`' },
      },
    },
    problems: { 409: 'A contact, domain or phone number belongs to another customer' },
  },
  'get-customer': {
    path: request.customerIdPath,
    responses: { 200: { description: 'The customer', json: response.customer } },
    problems: { 404: 'No such customer' },
  },
  'portal-sign-in': {
    body: request.portalSignInBody,
    description:
      'The answer is the same for every address, known or not, and so is the work behind it (the mail is decided and sent by the mailer). For a customer contact, an address of a customer mail domain, or anyone with a ticket, a mail with a sign-in link (`…/portal.html?code=…`) goes out: it works once, for 15 minutes. At most 5 links per address and hour (more requests are still answered 202, without mail) and 30 requests per client address and hour (then 429).',
    responses: {
      202: { description: 'Accepted (whatever the address)', json: response.portalSignInAccepted },
    },
    problems: { 429: 'Too many sign-in requests from this client address' },
  },
  'portal-start-session': {
    body: request.portalSessionBody,
    description:
      'The `code` of the sign-in link works once, within 15 minutes. The session token is opaque (not a JWT) and works only on the `/portal/…` routes, for 8 hours.',
    responses: { 201: { description: 'Signed in', json: response.portalSession } },
    problems: { 401: 'The code is unknown, was used already or has expired' },
  },
  'portal-end-session': {
    responses: { 204: { description: 'Signed out' } },
  },
  'portal-me': {
    responses: { 200: { description: 'The signed-in person', json: response.portalMe } },
  },
  'portal-list-tickets': {
    query: request.portalTicketsQuery,
    description:
      '`open`: open, in progress or waiting for the customer; `closed`: resolved or closed. A page may hold fewer than `limit` tickets and still have a `nextCursor`; a cursor works only for the customer it was handed to.',
    responses: {
      200: { description: 'One page, newest first', json: response.portalTicketsPage },
    },
  },
  'portal-submit-ticket': {
    headers: { 'Idempotency-Key': idempotencyKey },
    body: request.portalTicketBody,
    description:
      'The signed-in address is the requester; `name` defaults to the name known for it. The acknowledgement mail goes out as for the form.',
    responses: {
      201: {
        description: 'Created',
        json: response.portalSubmittedTicket,
        headers: {
          location: '`/portal/tickets/{ticketId}`',
          'Idempotent-Replayed': '`true` when the answer is that of an earlier attempt',
        },
      },
    },
    problems: { 422: 'The `Idempotency-Key` was used with another body' },
  },
  'portal-get-ticket': {
    path: request.ticketIdPath,
    responses: {
      200: { description: "The customer's view, with who sent it", json: response.portalTicket },
    },
    problems: { 404: 'No such ticket, or not one of this customer (or contact)' },
  },
  'portal-post-message': {
    path: request.ticketIdPath,
    body: request.portalMessage,
    description:
      'Written as the signed-in person. Reopens a resolved ticket and hands a `waiting_customer` ticket back to its agent.',
    responses: { 201: { description: 'Added', json: response.postedMessage } },
    problems: {
      404: 'No such ticket, or not one of this customer (or contact)',
      409: 'The ticket is closed',
    },
  },
  'portal-upload-attachment': {
    path: request.ticketIdPath,
    body: request.attachmentUpload,
    responses: { 201: { description: 'Stored', json: response.storedAttachment } },
    problems: {
      404: 'No such ticket, or not one of this customer (or contact)',
      409: 'The ticket is closed, or its files would exceed 25 MB',
    },
  },
  'portal-get-attachment': {
    path: request.ticketIdPath,
    query: request.attachmentQuery,
    responses: {
      200: { description: 'With `format=json`: the link', json: response.attachmentLink },
      303: {
        description: 'To a download link that works for 15 minutes',
        headers: { location: 'The link' },
      },
    },
    problems: { 404: 'No such ticket or file, or not one of this customer (or contact)' },
  },
  'portal-contract': {
    description:
      "The included minutes used are those of covered work (Europe/Berlin months). `plan` is the contract's service-level plan with its targets; each month's `serviceLevels` are counted as `GET /reports/service-levels` counts this customer (tickets by Berlin month of receipt).",
    responses: { 200: { description: 'The contract and its use', json: response.portalContract } },
    problems: {
      404: 'No customer record for this address, or a contact who sees only their own tickets',
    },
  },
  'list-service-levels': {
    responses: {
      200: { description: 'Every plan, stored and shipped', json: response.serviceLevelPlans },
    },
  },
  'get-service-level': {
    path: request.planIdPath,
    responses: { 200: { description: 'The plan', json: response.serviceLevelPlan } },
    problems: { 404: 'No such plan' },
  },
  'put-service-level': {
    path: request.planIdPath,
    body: request.serviceLevelPlanBody,
    description:
      'Several intervals a day, in order and not overlapping; `["00:00","24:00"]` is a whole day. `region`: `DE` (nationwide holidays), `DE-XX` (a state’s too) or `none`. Targets in business minutes. Tickets keep their due times until their clock next changes.',
    responses: {
      201: {
        description: 'Created',
        json: response.serviceLevelPlan,
        headers: { location: '`/service-levels/{planId}`' },
      },
      200: {
        description: 'Replaced',
        json: response.serviceLevelPlan,
        headers: { location: '`/service-levels/{planId}`' },
      },
    },
  },
  'report-service-levels': {
    query: request.serviceLevelReportQuery,
    description:
      'Per contract customer and plan (every customer whose contract runs in the month, zeros included); a ticket counts in the Europe/Berlin month of its receipt.',
    responses: {
      200: {
        description: 'The report',
        json: response.serviceLevelReport,
        other: {
          'text/csv': '`format=csv`: one row per customer and plan, then the standard group',
        },
        headers: { 'content-disposition': 'attachment; filename="…" (CSV)' },
      },
    },
  },
  'report-contracts': {
    query: request.contractReportQuery,
    description:
      'Per customer whose contract runs in the Europe/Berlin month: fee, included and used minutes, the covered work’s value at list prices, billed beyond the contract, service-level results, and the 12 months up to it.',
    responses: downloadResponses('The report', response.contractReport),
  },
  'report-upsell': {
    query: request.upsellReportQuery,
    description:
      'Customers without a contract (and senders without a customer record, by mail domain) ranked by what they were billed in the last N Europe/Berlin months, with their tickets by severity and what the reference contract would have cost them.',
    responses: downloadResponses('The report', response.upsellReport),
  },
  'get-reference-contract': {
    responses: {
      200: {
        description: 'The reference contract (the shipped default until an admin stores one)',
        json: response.referenceContract,
      },
    },
  },
  'put-reference-contract': {
    body: request.referenceContractBody,
    responses: {
      200: {
        description: 'Stored; the next upsell report uses it',
        json: response.referenceContract,
      },
    },
  },
};
