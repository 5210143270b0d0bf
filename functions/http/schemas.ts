import * as z from 'zod';
import { isCalendarDay } from '../domain/calendar';
import { normalizeDomain, normalizeEmail } from '../domain/customer';
import { PORTAL_STATUS_FILTERS } from '../domain/portal';
import { LOCALES, SEVERITIES, TICKET_STATUSES } from '../domain/ticket';
import { TICKET_ID_PATTERN } from '../domain/ticket-number';
import { EXPORT_FORMATS } from '../domain/billing-export';
import { multiLineText, singleLineText } from '../domain/plain-text';
import { UNITS } from '../domain/price-list';
import { isTimeZone } from '../domain/service-levels/business-time';
import { HOLIDAY_REGIONS } from '../domain/service-levels/holidays';
import { minutesOfDay, WEEKDAYS, type Weekday } from '../domain/service-levels/plan';

/** Request schemas of the HTTP API: every body, path and query parameter is checked here. */

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
/** A name or subject: controls and bidi overrides stripped (SPEC §14), then checked. */
const line = (max: number) =>
  z.string().transform(singleLineText).pipe(z.string().min(1, 'must not be empty').max(max));
/** A description: line breaks kept, other controls and bidi overrides stripped. */
const prose = (max: number) =>
  z
    .string()
    .transform((value) => multiLineText(value).trim())
    .pipe(z.string().min(1, 'must not be empty').max(max));
const email = /* @__PURE__ */ (() =>
  z
    .string()
    .trim()
    .pipe(z.email('must be an e-mail address').max(254))
    .transform(normalizeEmail)
    // What the OpenAPI document says of it (a transform has no JSON Schema of its own).
    .meta({ format: 'email', maxLength: 254 }))();
const calendarDay = /* @__PURE__ */ (() =>
  z.string().refine(isCalendarDay, 'must be a calendar day YYYY-MM-DD').meta({ format: 'date' }))();
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export const ticketIdPath = /* @__PURE__ */ (() =>
  z.strictObject({
    ticketId: z.string().regex(TICKET_ID_PATTERN, 'must be a ticket number like T-10001'),
  }))();

export const customerIdPath = /* @__PURE__ */ (() =>
  z.strictObject({
    customerId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, . _ - (at most 64)'),
  }))();

/** `de`, `en`, or a language tag that starts with one of them (`en-GB`). */
const locale = /* @__PURE__ */ (() =>
  z
    .string()
    .transform((value) => value.trim().toLowerCase().slice(0, 2))
    .pipe(z.enum(LOCALES))
    .meta({ description: '`de` or `en`, or a language tag that starts with one (`en-GB`)' }))();

export const ticketSubmission = /* @__PURE__ */ (() =>
  z.strictObject({
    name: line(200),
    email,
    subject: line(200),
    description: prose(20_000),
    severity: z.enum(SEVERITIES).default('normal'),
    locale: locale.default('de'),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9 ()/.-]{3,40}$/, 'must be a phone number')
      .optional(),
  }))();

export const idempotencyKeyHeader = /* @__PURE__ */ (() =>
  z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, 'printable ASCII without spaces, at most 255 characters'))();

export const ticketChange = /* @__PURE__ */ (() =>
  z
    .strictObject({
      severity: z.enum(SEVERITIES).optional(),
      status: z.enum(TICKET_STATUSES).optional(),
    })
    .refine((change) => change.severity !== undefined || change.status !== undefined, {
      message: 'give severity, status or both',
    }))();

export const queueQuery = /* @__PURE__ */ (() =>
  z.strictObject({
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().min(1).max(2048).optional(),
  }))();

/** `GET /tickets`: only the caller's own tickets in hand, for now (`assignee=me`). */
export const heldTicketsQuery = /* @__PURE__ */ (() =>
  queueQuery.extend({ assignee: z.literal('me') }))();

const contact = /* @__PURE__ */ (() =>
  z.union([
    email.transform((address) => ({ email: address })),
    z.strictObject({
      email,
      name: line(200).optional(),
      phone: z.string().trim().max(40).optional(),
      ownTicketsOnly: z
        .boolean()
        .optional()
        .describe('The customer portal shows this contact only the tickets they sent'),
    }),
  ]))();

const contract = /* @__PURE__ */ (() =>
  z
    .strictObject({
      id: text(64),
      validFrom: calendarDay,
      validTo: calendarDay.optional(),
      includedMinutesPerMonth: z.number().int().min(0).max(1_000_000),
      coveredServiceCodes: z.array(text(64)).max(200).default([]),
      serviceLevel: z
        .string()
        .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a plan id: lower-case letters, digits, -')
        .optional(),
      monthlyFeeCents: z
        .number()
        .int()
        .min(0)
        .max(100_000_000)
        .optional()
        .describe('Net fee per month in integer cents (EUR), for the sales reports'),
    })
    .refine((c) => c.validTo === undefined || c.validFrom <= c.validTo, {
      message: 'validTo must not be before validFrom',
      path: ['validTo'],
    }))();

export const customerBody = /* @__PURE__ */ (() =>
  z.strictObject({
    name: line(200),
    domains: z
      .array(
        z
          .string()
          .transform(normalizeDomain)
          .refine((d) => DOMAIN.test(d), 'must be a mail domain like example.com')
          .meta({ description: 'A mail domain like example.com; its subdomains belong to it too' }),
      )
      .max(100)
      .default([]),
    contacts: z.array(contact).max(1000).default([]),
    contract: contract.nullable().optional(),
  }))();

/** `POST /tickets/{ticketId}/merge`: the ticket the path's ticket is a duplicate of. */
export const mergeBody = /* @__PURE__ */ (() =>
  z.strictObject({
    intoTicketId: z
      .string()
      .regex(TICKET_ID_PATTERN, 'must be a ticket number like T-10001')
      .describe('The ticket that stays; the one in the path is closed and merged into it'),
  }))();

export const newMessage = /* @__PURE__ */ (() =>
  z.strictObject({
    body: text(20_000),
    internal: z.boolean().default(false),
  }))();

export const voicemailBody = /* @__PURE__ */ (() =>
  z.strictObject({
    callerNumber: z
      .string()
      .trim()
      .regex(/^\+?[0-9 ()/.-]{3,40}$/, 'must be a phone number'),
    calledAt: z.iso.datetime({ offset: true }),
    recordingUrl: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional(),
    transcript: z.string().max(20_000).optional(),
  }))();

const serviceCode = /* @__PURE__ */ (() =>
  z.string().regex(/^[A-Z][A-Z0-9_-]{1,31}$/, 'upper-case letters, digits, _ -'))();

export const workBody = /* @__PURE__ */ (() =>
  z.strictObject({
    minutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    serviceCode,
    description: text(2000),
    date: calendarDay.optional(),
  }))();

export const priceListBody = /* @__PURE__ */ (() =>
  z.strictObject({
    /** The version the change is based on; a newer version in between is a 409. */
    basedOnVersion: z.number().int().min(0).optional(),
    services: z
      .array(
        z.strictObject({
          code: serviceCode,
          name: text(200),
          unit: z.enum(UNITS),
          unitPriceCents: z.number().int().min(0).max(100_000_000),
        }),
      )
      .min(1)
      .max(500)
      .refine((services) => new Set(services.map((s) => s.code)).size === services.length, {
        message: 'service codes must be unique',
      }),
  }))();

export const exportQuery = /* @__PURE__ */ (() =>
  z.strictObject({
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM'),
    format: z.enum(EXPORT_FORMATS).default('csv'),
  }))();

export const customerListQuery = /* @__PURE__ */ (() =>
  z.strictObject({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().min(1).max(2048).optional(),
  }))();

export const attachmentUpload = /* @__PURE__ */ (() =>
  z.strictObject({
    filename: text(200),
    contentType: z
      .string()
      .regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a media type like application/pdf')
      .default('application/octet-stream'),
    contentBase64: z.base64('must be base64').min(1),
  }))();

export const attachmentQuery = /* @__PURE__ */ (() =>
  z.strictObject({
    key: z.string().min(1).max(1024),
    /** `json` answers `{url}` instead of a 303, for pages that send the token as a header. */
    format: z.enum(['redirect', 'json']).default('redirect'),
  }))();

const PLAN_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

export const planIdPath = /* @__PURE__ */ (() =>
  z.strictObject({
    planId: z.string().regex(PLAN_ID, 'lower-case letters, digits, - (at most 64)'),
  }))();

const clockTime = /* @__PURE__ */ (() =>
  z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a time HH:MM from 00:00 to 24:00'))();

/** A day's open intervals: each start before its end, in order, not overlapping. */
const dayHours = /* @__PURE__ */ (() =>
  z
    .array(z.tuple([clockTime, clockTime]))
    .max(12)
    .superRefine((intervals, ctx) => {
      let previousEnd = -1;
      intervals.forEach(([start, end], i) => {
        if (minutesOfDay(start) >= minutesOfDay(end)) {
          ctx.addIssue({ code: 'custom', path: [i], message: 'the start must be before the end' });
        } else if (minutesOfDay(start) < previousEnd) {
          ctx.addIssue({
            code: 'custom',
            path: [i],
            message: 'intervals must be in order and must not overlap',
          });
        }
        previousEnd = Math.max(previousEnd, minutesOfDay(end));
      });
    }))();

const minutes = (max: number) => z.number().int().min(1).max(max);
const targets = /* @__PURE__ */ (() =>
  z
    .strictObject({
      // A year of business minutes at most: anything longer is a typo, not a promise.
      firstResponseMinutes: minutes(525_600),
      resolutionMinutes: minutes(525_600),
    })
    .refine((t) => t.firstResponseMinutes <= t.resolutionMinutes, {
      message: 'the first response cannot be due after the resolution',
      path: ['firstResponseMinutes'],
    }))();

export const serviceLevelPlanBody = /* @__PURE__ */ (() =>
  z
    .strictObject({
      name: text(200),
      timeZone: z
        .string()
        .max(64)
        .refine(isTimeZone, 'must be an IANA time zone like Europe/Berlin'),
      region: z.enum(HOLIDAY_REGIONS),
      businessHours: z.strictObject(
        Object.fromEntries(WEEKDAYS.map((day) => [day, dayHours])) as Record<
          Weekday,
          typeof dayHours
        >,
      ),
      closedDates: z
        .array(calendarDay)
        .max(1000)
        .transform((days) => [...new Set(days)].sort())
        .optional(),
      targets: z.strictObject({
        critical: targets,
        high: targets,
        normal: targets,
        low: targets,
      }),
    })
    .refine((plan) => WEEKDAYS.some((day) => plan.businessHours[day].length > 0), {
      message: 'a plan needs business hours on at least one weekday',
      path: ['businessHours'],
    }))();

export const serviceLevelReportQuery = /* @__PURE__ */ (() =>
  z.strictObject({
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM'),
    format: z.enum(['json', 'csv']).default('json'),
  }))();

/** A confirm-link code: 24 random bytes, base64url (32 characters). */
const confirmationCode = /* @__PURE__ */ (() =>
  z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, 'must be the code from the confirmation link'))();

/** `GET /tickets/{ticketId}/confirm?code=&lang=`: the page the confirm link opens. */
export const confirmQuery = /* @__PURE__ */ (() =>
  z.strictObject({
    code: confirmationCode,
    lang: locale.optional(),
  }))();

/** `POST /tickets/{ticketId}/confirm`: `{code}` (JSON, or the page's plain form post). */
export const confirmBody = /* @__PURE__ */ (() =>
  z.strictObject({
    code: confirmationCode,
    locale: locale.optional(),
  }))();

/*
 * The signature headers are checked by the voicemail handler itself (one refusal for any
 * fault); their schemas describe them in the OpenAPI document.
 */

/** `X-Servicedesk-Timestamp`: Unix seconds. */
export const signatureTimestampHeader = /* @__PURE__ */ (() => z.string().regex(/^\d{1,12}$/))();

/** `X-Servicedesk-Signature`: `sha256=` and the hex HMAC. */
export const signatureHeader = /* @__PURE__ */ (() => z.string().regex(/^sha256=[0-9a-f]{64}$/))();

/** `POST /portal/sign-in`. */
export const portalSignInBody = /* @__PURE__ */ (() =>
  z.strictObject({
    email,
    locale: locale.default('de'),
  }))();

/** `POST /portal/session`: the code from the sign-in link. */
export const portalSessionBody = /* @__PURE__ */ (() =>
  z.strictObject({
    code: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{20,128}$/, 'must be the code from the sign-in link'),
  }))();

/** `GET /portal/tickets`. */
export const portalTicketsQuery = /* @__PURE__ */ (() =>
  z.strictObject({
    status: z.enum(PORTAL_STATUS_FILTERS).default('all'),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().min(1).max(2048).optional(),
  }))();

/** `POST /portal/tickets`: the signed-in address is the requester; the name is optional. */
export const portalTicketBody = /* @__PURE__ */ (() =>
  ticketSubmission.omit({ email: true, name: true }).extend({
    name: text(200).optional(),
  }))();

/** `POST /portal/tickets/{ticketId}/messages`: customers write no internal notes. */
export const portalMessage = /* @__PURE__ */ (() => z.strictObject({ body: text(20_000) }))();

const month = /* @__PURE__ */ (() =>
  z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM'))();

/** `GET /reports/contracts?month=&format=`. */
export const contractReportQuery = /* @__PURE__ */ (() =>
  z.strictObject({
    month,
    format: z
      .enum(EXPORT_FORMATS)
      .default('json')
      .describe('`csv` (comma, decimal point) or `excel` (German Excel: `;`, decimal comma, BOM)'),
  }))();

/** `GET /reports/upsell?months=&format=`. */
export const upsellReportQuery = /* @__PURE__ */ (() =>
  z.strictObject({
    months: z.coerce
      .number()
      .int()
      .min(1)
      .max(36)
      .default(12)
      .describe('The current Europe/Berlin month and the ones before it'),
    format: contractReportQuery.shape.format,
  }))();

/** `PUT /reports/reference-contract`: the contract the upsell report compares against. */
export const referenceContractBody = /* @__PURE__ */ (() =>
  z.strictObject({
    monthlyFeeCents: z.number().int().min(0).max(100_000_000),
    includedMinutesPerMonth: z.number().int().min(0).max(1_000_000),
    coveredServiceCodes: z
      .array(serviceCode)
      .max(200)
      .refine((codes) => new Set(codes).size === codes.length, {
        message: 'service codes must be unique',
      }),
  }))();

/**
 * The address of a data subject: any address the mail intake stores (it takes what SES
 * delivers, internationalised local parts too), so every stored requester can be looked up
 * and erased.
 */
const subjectEmail = /* @__PURE__ */ (() =>
  z
    .string()
    .trim()
    .max(254)
    .regex(
      /^[^@\s\p{Cc}"<>(),;:[\]\\]+@[^@\s\p{Cc}"<>(),;:[\]\\]+\.[^@\s\p{Cc}"<>(),;:[\]\\]+$/u,
      'must be an e-mail address',
    )
    .transform(normalizeEmail)
    .meta({ format: 'email', maxLength: 254 }))();

/** `POST /privacy/erasures`: whose personal data to erase. */
export const erasureRequest = /* @__PURE__ */ (() => z.strictObject({ email: subjectEmail }))();

/** `GET /privacy/erasures/{erasureId}`: an erasure's id (the SHA-256 of the address, base64url). */
export const erasureIdPath = /* @__PURE__ */ (() =>
  z.strictObject({
    erasureId: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be the erasureId an erasure answered'),
  }))();

/** `GET /privacy/subjects?email=`: whose data to export. */
export const subjectQuery = /* @__PURE__ */ (() => z.strictObject({ email: subjectEmail }))();
