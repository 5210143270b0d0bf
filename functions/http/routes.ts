import type { WriteScope } from '../adapters/table-design';
import type { StaffGroup } from '../domain/principal';

/**
 * The one route table. The CDK stack builds API Gateway by looping over it and the local
 * server dispatches through it, so local and cloud serve the same routes; nothing else
 * lists routes. Paths use API Gateway's syntax with camelCase parameters.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * - `public`: anyone; no authorizer.
 * - `staff`: API Gateway's Cognito authorizer checks the bearer token; the handler checks
 *   the groups.
 * - `staff-or-ticket-token`: no authorizer, because customers come with only their
 *   ticket's access token; the handler verifies a bearer token itself when one is sent.
 * - `portal`: a customer's portal session (`Authorization: Bearer sdp_…`), checked by the
 *   handler against the stored sessions; staff tokens never pass here, and portal
 *   sessions never pass anywhere else (they are no JWTs).
 */
export type RouteAuth = 'public' | 'staff' | 'staff-or-ticket-token' | 'portal';

export interface Route {
  method: HttpMethod;
  path: string;
  /** Module in `functions/http/` (without `.ts`) whose `handler` serves the route. */
  handler: string;
  auth: RouteAuth;
  /** Staff groups allowed to call the route (any one suffices). */
  groups: readonly StaffGroup[];
  /** Access the handler needs to the table; the CDK grants exactly this. */
  table: 'none' | 'read' | 'readwrite';
  /**
   * For a `readwrite` route: the only items it writes (puts and updates, no deletes), which
   * the CDK enforces with `dynamodb:LeadingKeys`. @default every item
   */
  tableWrites?: readonly WriteScope[];
  /** Whether the handler puts mail events on the outbox queue. @default false */
  outbox?: boolean;
  /** Whether the handler writes billing exports to the export bucket. @default false */
  exportBucket?: boolean;
  /**
   * What the handler does with ticket files under `attachments/` in the mail bucket: `read`
   * (sign download links), `write` (store uploads) or `erase` (sign links, and delete a
   * person's files and raw mails under `incoming/`). @default none
   */
  mailBucket?: 'read' | 'write' | 'erase';
  /** Largest request body the handler takes, in bytes. @default 64 KiB */
  maxBodyBytes?: number;
  /**
   * Whether the route also takes a plain HTML form post
   * (`application/x-www-form-urlencoded`) and answers it with an HTML page. @default false
   */
  form?: boolean;
  /** Stricter throttling than the API's default, per second. */
  throttle?: { rateLimit: number; burstLimit: number };
  /**
   * Requests one client address may make in 5 minutes, counted by the web ACL in front of
   * CloudFront (lib/edge-protection.ts); more are refused there with `429`, so one client
   * cannot use up the route's shared `throttle` for everyone. @default no limit per client
   */
  clientLimit?: number;
  summary: string;
}

export const routes: readonly Route[] = [
  {
    method: 'GET',
    path: '/health',
    handler: 'health',
    auth: 'public',
    groups: [],
    table: 'none',
    summary: 'Readiness probe',
  },
  {
    method: 'GET',
    path: '/openapi.json',
    handler: 'openapi',
    auth: 'public',
    groups: [],
    table: 'none',
    summary: 'This API as an OpenAPI 3.1 document',
  },
  {
    method: 'POST',
    path: '/tickets',
    handler: 'submit-ticket',
    auth: 'public',
    groups: [],
    table: 'readwrite',
    tableWrites: ['tickets', 'ticketNumbers', 'publicIdempotency'],
    outbox: true,
    form: true,
    throttle: { rateLimit: 10, burstLimit: 20 },
    clientLimit: 100,
    summary: 'Submit a ticket (web form, also without JavaScript)',
  },
  {
    method: 'GET',
    path: '/tickets',
    handler: 'list-tickets',
    auth: 'staff',
    groups: ['agents'],
    table: 'read',
    summary:
      "The caller's tickets in hand (?assignee=me): in progress or waiting for the customer, most recently changed first",
  },
  {
    method: 'GET',
    path: '/tickets/{ticketId}',
    handler: 'get-ticket',
    auth: 'staff-or-ticket-token',
    groups: ['agents'],
    table: 'read',
    summary: "Read a ticket: the customer's view with X-Ticket-Token, the full view for agents",
  },
  {
    method: 'PATCH',
    path: '/tickets/{ticketId}',
    handler: 'update-ticket',
    auth: 'staff',
    groups: ['agents', 'admins'],
    table: 'readwrite',
    outbox: true,
    summary: 'Change severity and/or status',
  },
  {
    method: 'POST',
    path: '/tickets/{ticketId}/messages',
    handler: 'post-message',
    auth: 'staff-or-ticket-token',
    groups: ['agents'],
    table: 'readwrite',
    outbox: true,
    summary:
      "Add to the conversation: a customer's reply, an agent's reply (mailed) or internal note",
  },
  {
    method: 'POST',
    path: '/tickets/{ticketId}/attachments',
    handler: 'upload-attachment',
    auth: 'staff-or-ticket-token',
    groups: ['agents'],
    table: 'readwrite',
    mailBucket: 'write',
    // A file of up to 4 MB, base64 in JSON (Lambda takes at most 6 MB per request).
    maxBodyBytes: 6 * 1024 * 1024 - 64 * 1024,
    summary: 'Add a file to a ticket (customer with the token, or an agent)',
  },
  {
    method: 'GET',
    path: '/tickets/{ticketId}/attachments',
    handler: 'get-attachment',
    auth: 'staff-or-ticket-token',
    groups: ['agents'],
    table: 'read',
    mailBucket: 'read',
    summary: "Download one of the ticket's files (303 to a short-lived link): ?key=",
  },
  {
    method: 'POST',
    path: '/tickets/{ticketId}/release',
    handler: 'release-ticket',
    auth: 'staff',
    groups: ['agents', 'admins'],
    table: 'readwrite',
    summary: 'Give a claimed ticket back to the queue at its original place',
  },
  {
    method: 'GET',
    path: '/tickets/{ticketId}/history',
    handler: 'get-ticket-history',
    auth: 'staff',
    groups: ['agents', 'admins'],
    table: 'read',
    summary: "The ticket's history: every change with actor and time, oldest first, paged",
  },
  {
    method: 'GET',
    path: '/tickets/{ticketId}/confirm',
    handler: 'confirm-page',
    auth: 'public',
    groups: [],
    table: 'none',
    throttle: { rateLimit: 10, burstLimit: 20 },
    clientLimit: 100,
    summary:
      "The acknowledgement's confirm link (?code=): a page whose button posts the code; changes nothing",
  },
  {
    method: 'POST',
    path: '/tickets/{ticketId}/confirm',
    handler: 'confirm-address',
    auth: 'public',
    groups: [],
    table: 'readwrite',
    form: true,
    throttle: { rateLimit: 10, burstLimit: 20 },
    clientLimit: 100,
    summary:
      "Confirm the requester's address with the code from the acknowledgement ({code}): marks it verified",
  },
  {
    method: 'POST',
    path: '/intake/voicemail',
    handler: 'take-voicemail',
    // No authorizer: the phone system signs each request (HMAC), the handler checks it.
    auth: 'public',
    groups: [],
    table: 'readwrite',
    tableWrites: ['tickets', 'ticketNumbers', 'voicemailIdempotency'],
    outbox: true,
    throttle: { rateLimit: 5, burstLimit: 10 },
    clientLimit: 1000,
    summary: 'The hotline reports a voicemail (signed with the shared secret)',
  },
  {
    method: 'GET',
    path: '/queue',
    handler: 'list-queue',
    auth: 'staff',
    groups: ['agents'],
    table: 'read',
    summary: 'The prioritized queue, paged',
  },
  {
    method: 'POST',
    path: '/queue/claim',
    handler: 'claim-ticket',
    auth: 'staff',
    groups: ['agents'],
    table: 'readwrite',
    summary: 'Claim the next waiting ticket',
  },
  {
    method: 'POST',
    path: '/tickets/{ticketId}/work',
    handler: 'record-work',
    auth: 'staff',
    groups: ['agents'],
    table: 'readwrite',
    summary: 'Log work; answers the covered and billable minutes and the amount',
  },
  {
    method: 'GET',
    path: '/price-list',
    handler: 'get-price-list',
    auth: 'staff',
    groups: ['agents', 'finance', 'admins'],
    table: 'read',
    summary: 'The price list in force',
  },
  {
    method: 'PUT',
    path: '/price-list',
    handler: 'put-price-list',
    auth: 'staff',
    groups: ['admins'],
    table: 'readwrite',
    summary: 'Replace the price list (a new version)',
  },
  {
    method: 'GET',
    path: '/exports/billing',
    handler: 'export-billing',
    auth: 'staff',
    groups: ['finance'],
    table: 'read',
    exportBucket: true,
    summary: "A month's billable entries as CSV, German-Excel CSV or JSON",
  },
  {
    method: 'GET',
    path: '/customers',
    handler: 'list-customers',
    auth: 'staff',
    groups: ['admins'],
    table: 'read',
    summary: 'All customers by name, paged',
  },
  {
    method: 'PUT',
    path: '/customers/{customerId}',
    handler: 'put-customer',
    auth: 'staff',
    groups: ['admins'],
    table: 'readwrite',
    summary: 'Create or replace a customer with contacts, domains and contract',
  },
  {
    method: 'GET',
    path: '/customers/{customerId}',
    handler: 'get-customer',
    auth: 'staff',
    groups: ['admins'],
    table: 'read',
    summary: 'Read a customer',
  },
  {
    method: 'POST',
    path: '/portal/sign-in',
    handler: 'portal-sign-in',
    auth: 'public',
    groups: [],
    table: 'readwrite',
    outbox: true,
    throttle: { rateLimit: 5, burstLimit: 10 },
    clientLimit: 50,
    summary: 'Ask for a sign-in link to the customer portal (always 202)',
  },
  {
    method: 'POST',
    path: '/portal/session',
    handler: 'portal-start-session',
    auth: 'public',
    groups: [],
    table: 'readwrite',
    throttle: { rateLimit: 5, burstLimit: 10 },
    clientLimit: 50,
    summary: "Trade the sign-in link's one-time code for a portal session (8 hours)",
  },
  {
    method: 'DELETE',
    path: '/portal/session',
    handler: 'portal-end-session',
    auth: 'portal',
    groups: [],
    table: 'readwrite',
    summary: 'Sign out of the portal',
  },
  {
    method: 'GET',
    path: '/portal/me',
    handler: 'portal-me',
    auth: 'portal',
    groups: [],
    table: 'read',
    summary: 'Who is signed in, for which customer, and what they see',
  },
  {
    method: 'GET',
    path: '/portal/tickets',
    handler: 'portal-list-tickets',
    auth: 'portal',
    groups: [],
    table: 'read',
    summary: "The customer's tickets (or the requester's own), newest first, paged",
  },
  {
    method: 'POST',
    path: '/portal/tickets',
    handler: 'portal-submit-ticket',
    auth: 'portal',
    groups: [],
    table: 'readwrite',
    outbox: true,
    summary: 'File a new ticket as the signed-in person',
  },
  {
    method: 'GET',
    path: '/portal/tickets/{ticketId}',
    handler: 'portal-get-ticket',
    auth: 'portal',
    groups: [],
    table: 'read',
    summary: "A ticket of the customer: the customer's view with the public conversation",
  },
  {
    method: 'POST',
    path: '/portal/tickets/{ticketId}/messages',
    handler: 'portal-post-message',
    auth: 'portal',
    groups: [],
    table: 'readwrite',
    summary: 'Reply on a ticket of the customer',
  },
  {
    method: 'POST',
    path: '/portal/tickets/{ticketId}/attachments',
    handler: 'portal-upload-attachment',
    auth: 'portal',
    groups: [],
    table: 'readwrite',
    mailBucket: 'write',
    maxBodyBytes: 6 * 1024 * 1024 - 64 * 1024,
    summary: 'Add a file to a ticket of the customer',
  },
  {
    method: 'GET',
    path: '/portal/tickets/{ticketId}/attachments',
    handler: 'portal-get-attachment',
    auth: 'portal',
    groups: [],
    table: 'read',
    mailBucket: 'read',
    summary: "Download one of a ticket's files (303 to a short-lived link): ?key=",
  },
  {
    method: 'GET',
    path: '/portal/contract',
    handler: 'portal-contract',
    auth: 'portal',
    groups: [],
    table: 'read',
    summary: "The customer's contract, its included minutes this month and the last 12",
  },
  {
    method: 'GET',
    path: '/service-levels',
    handler: 'list-service-levels',
    auth: 'staff',
    groups: ['admins', 'agents', 'finance', 'sales'],
    table: 'read',
    summary: 'Every service-level plan (business calendar and targets), stored and shipped',
  },
  {
    method: 'GET',
    path: '/service-levels/{planId}',
    handler: 'get-service-level',
    auth: 'staff',
    groups: ['admins', 'agents', 'finance', 'sales'],
    table: 'read',
    summary: 'Read a service-level plan',
  },
  {
    method: 'PUT',
    path: '/service-levels/{planId}',
    handler: 'put-service-level',
    auth: 'staff',
    groups: ['admins'],
    table: 'readwrite',
    summary: 'Create or replace a service-level plan',
  },
  {
    method: 'GET',
    path: '/reports/service-levels',
    handler: 'report-service-levels',
    auth: 'staff',
    groups: ['admins', 'sales', 'finance'],
    table: 'read',
    summary:
      "A month's service-level results per contract customer and plan (JSON or CSV), with the groups' waiting times",
  },
  {
    method: 'GET',
    path: '/reports/contracts',
    handler: 'report-contracts',
    auth: 'staff',
    groups: ['sales', 'admins', 'finance'],
    table: 'read',
    exportBucket: true,
    summary:
      "A month's contract utilisation per contract customer (JSON, CSV, German-Excel CSV), with a 12-month trend",
  },
  {
    method: 'GET',
    path: '/reports/upsell',
    handler: 'report-upsell',
    auth: 'staff',
    groups: ['sales', 'admins'],
    table: 'read',
    exportBucket: true,
    summary:
      'Customers without a contract ranked by what they were billed, against the reference contract',
  },
  {
    method: 'GET',
    path: '/reports/reference-contract',
    handler: 'get-reference-contract',
    auth: 'staff',
    groups: ['sales', 'admins'],
    table: 'read',
    summary: 'The reference contract the upsell report compares against',
  },
  {
    method: 'PUT',
    path: '/reports/reference-contract',
    handler: 'put-reference-contract',
    auth: 'staff',
    groups: ['admins'],
    table: 'readwrite',
    summary: 'Replace the reference contract (fee, included minutes, covered codes)',
  },
  {
    method: 'GET',
    path: '/privacy/subjects',
    handler: 'privacy-subject',
    auth: 'staff',
    groups: ['admins'],
    table: 'read',
    mailBucket: 'read',
    summary:
      'Everything stored about one person (?email=): tickets, messages, mails, files, work entries (GDPR Art. 15/20)',
  },
  {
    method: 'POST',
    path: '/privacy/erasures',
    handler: 'privacy-erasure',
    auth: 'staff',
    groups: ['admins'],
    table: 'readwrite',
    mailBucket: 'erase',
    summary:
      "Erase one person's personal data ({email}); billing keeps amounts and dates (GDPR Art. 17)",
  },
];

/** The route a handler module serves. */
export function routeOf(handler: string): Route {
  const route = routes.find((r) => r.handler === handler);
  if (!route) throw new Error(`No route for handler ${handler}`);
  return route;
}
