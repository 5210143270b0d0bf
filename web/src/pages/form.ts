import { ApiError, call, type SubmittedTicket } from '../lib/api';
import { announce, busy, byId, h, replaceChildren } from '../lib/dom';
import { clearFieldErrors, showFieldErrors } from '../lib/field-errors';
import { customerMessage, pageLocale, rememberLocale, translator } from '../lib/locale';
import { isLocale } from '../i18n/messages';

/**
 * The support form at `/` (German) and `/en/` (English). Without JavaScript it is a plain
 * form POST to `/tickets`; this script turns it into a JSON request, shows the API's field
 * errors next to the fields, and shows the ticket number and status link in place.
 */
const FIELDS = ['name', 'email', 'subject', 'description', 'severity'] as const;
const DRAFT_KEY = 'servicedesk.form-draft';

const locale = pageLocale();
const t = translator(locale);
const form = byId('ticket-form', HTMLFormElement);
const summary = byId('form-errors');
const submitButton = byId('submit-ticket', HTMLButtonElement);
const done = byId('submitted');

// The API checks every field and says what is wrong; its answers are shown next to the
// fields (the browser's own bubbles would only say it in the browser's language).
form.noValidate = true;

let idempotencyKey = crypto.randomUUID();
let lastSent = '';

restoreDraft();
for (const link of document.querySelectorAll<HTMLAnchorElement>('a[data-switch-locale]')) {
  link.addEventListener('click', () => {
    const target = link.dataset.switchLocale;
    if (isLocale(target)) rememberLocale(target);
    saveDraft();
  });
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void submit();
});

async function submit() {
  const data = new FormData(form);
  const body = Object.fromEntries(FIELDS.map((name) => [name, String(data.get(name) ?? '')]));
  const json = { ...body, locale };
  const serialized = JSON.stringify(json);
  // A retry of the very same content keeps the key, so a lost answer never makes two
  // tickets; changed content is a new submission.
  if (serialized !== lastSent) idempotencyKey = crypto.randomUUID();
  lastSent = serialized;
  clearFieldErrors(form, summary);
  const label = submitButton.textContent ?? '';
  submitButton.textContent = t('form.sending');
  try {
    const ticket = await busy(submitButton, () =>
      call<SubmittedTicket>('/tickets', {
        method: 'POST',
        json,
        headers: { 'idempotency-key': idempotencyKey },
      }),
    );
    if (!ticket) throw new Error('no ticket in the answer');
    rememberLocale(locale);
    showDone(ticket, body.email ?? '');
  } catch (error) {
    showError(error);
  } finally {
    submitButton.textContent = label;
  }
}

function showError(error: unknown) {
  if (error instanceof ApiError && error.problem.errors?.length) {
    showFieldErrors(form, error.problem, {
      summary,
      heading: t('errors.summary'),
      messageOf: (fieldError) => customerMessage(t, fieldError.message),
    });
    return;
  }
  const text =
    error instanceof ApiError && error.status === 0
      ? t('errors.network')
      : error instanceof ApiError && error.status === 429
        ? t('errors.throttled')
        : t('errors.generic');
  replaceChildren(summary, h('p', null, text));
  summary.hidden = false;
  summary.focus();
}

function showDone(ticket: SubmittedTicket, email: string) {
  const statusUrl =
    `/status.html?ticket=${encodeURIComponent(ticket.ticketId)}` +
    `&token=${encodeURIComponent(ticket.accessToken)}`;
  const heading = h('h2', { attrs: { tabindex: -1 } }, t('done.heading'));
  const again = h('button', { attrs: { type: 'button' } }, t('done.another'));
  again.addEventListener('click', () => {
    form.reset();
    idempotencyKey = crypto.randomUUID();
    lastSent = '';
    done.hidden = true;
    form.hidden = false;
    byId('intro').hidden = false;
    byId('name', HTMLInputElement).focus();
  });
  replaceChildren(
    done,
    heading,
    h(
      'p',
      { className: 'ticket-number' },
      `${t('done.number')}: `,
      h('strong', { attrs: { 'data-ticket-id': ticket.ticketId } }, ticket.ticketId),
    ),
    h('p', null, t('done.mail', { email })),
    h(
      'p',
      null,
      h('a', { className: 'status-link', attrs: { href: statusUrl } }, t('done.statusLink')),
    ),
    h('p', { className: 'hint' }, t('done.keepLink')),
    h('p', null, again),
  );
  form.hidden = true;
  byId('intro').hidden = true;
  done.hidden = false;
  heading.focus();
  announce(byId('form-status'), `${t('done.number')}: ${ticket.ticketId}`);
}

/** Keeps what was typed when the customer switches the page's language. */
function saveDraft() {
  const data = new FormData(form);
  const draft = Object.fromEntries(FIELDS.map((name) => [name, String(data.get(name) ?? '')]));
  try {
    sessionStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
  } catch {
    // Without storage the draft is simply not carried over.
  }
}

function restoreDraft() {
  let draft: Record<string, string> | undefined;
  try {
    const stored = sessionStorage.getItem(DRAFT_KEY);
    sessionStorage.removeItem(DRAFT_KEY);
    draft = stored ? (JSON.parse(stored) as Record<string, string>) : undefined;
  } catch {
    return;
  }
  if (!draft) return;
  for (const name of FIELDS) {
    const value = draft[name];
    if (!value) continue;
    if (name === 'severity') {
      const radio = form.querySelector<HTMLInputElement>(
        `input[name="severity"][value="${CSS.escape(value)}"]`,
      );
      if (radio) radio.checked = true;
    } else {
      const control = form.elements.namedItem(name);
      if (control instanceof HTMLInputElement || control instanceof HTMLTextAreaElement) {
        control.value = value;
      }
    }
  }
}
