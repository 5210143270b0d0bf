import {
  ApiError,
  call,
  SEVERITIES,
  type Attachment,
  type CallOptions,
  type CustomerTicket,
  type Severity,
  type TicketMessage,
  type TicketStatus,
} from '../lib/api';
import {
  customerRejection,
  customerUploadState,
  downloadAttachment,
  fileList,
  uploadList,
  uploadQueue,
  uploadsOf,
  type Send,
  type Upload,
} from '../lib/attachments';
import { announce, busy, byId, h, replaceChildren, type ElementProps } from '../lib/dom';
import { clearFieldErrors } from '../lib/field-errors';
import { formatDateTime } from '../lib/format';
import { preferredLocale, rememberLocale, showCustomerError, translator } from '../lib/locale';
import {
  queueBox,
  refreshWhileWaiting,
  renderQueueStanding,
  serviceLevelFacts,
} from '../lib/standing';
import type { Locale, MessageKey } from '../i18n/messages';

/**
 * The customer portal (`/portal.html`, SPEC §11): sign in by a mailed link, then the
 * organisation's tickets (open, done, all), one ticket with its conversation, reply and
 * files, a new ticket without typing name and address, and the contract with its use. The
 * session token lives in `sessionStorage` (gone with the tab) and goes as a bearer token to
 * the `/portal/…` routes only. Views are chosen by the location hash, so Back works.
 */
const SESSION_KEY = 'servicedesk.portal.session';

interface Me {
  email: string;
  name: string;
  customer: { id: string; name: string } | null;
  ownTicketsOnly: boolean;
  expiresAt: string;
}
interface PortalItem {
  ticketId: string;
  status: TicketStatus;
  severity: Severity;
  receivedAt: string;
  updatedAt: string;
  subject: string;
  requester: { name: string; email: string | null };
}
interface PortalTicket extends CustomerTicket {
  requester: { name: string; email: string | null };
}
interface PortalContract {
  customer: { id: string; name: string };
  contract: {
    id: string;
    validFrom: string;
    validTo?: string;
    includedMinutesPerMonth: number;
  } | null;
  active: boolean;
  thisMonth: {
    month: string;
    includedMinutes: number;
    usedMinutes: number;
    leftMinutes: number;
  } | null;
  plan: {
    planId: string;
    name: string;
    timeZone: string;
    businessHours: Record<Weekday, [string, string][]>;
    targets: Record<Severity, { firstResponseMinutes: number; resolutionMinutes: number }>;
  } | null;
  months: {
    month: string;
    usedMinutes: number;
    includedMinutes: number;
    serviceLevels: {
      planId: string;
      tickets: number;
      firstResponsesMet: number;
      firstResponsesBreached: number;
      resolutionsMet: number;
      resolutionsBreached: number;
    }[];
  }[];
}
type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'normal', 'low'];

/** Business minutes in words: "2 h", "1 h 30 min", "45 min". */
function businessTime(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return [hours ? `${hours} h` : '', rest || !hours ? `${rest} min` : ''].filter(Boolean).join(' ');
}

/** The week's business hours, one line per run of days with the same hours. */
function hoursInWords(hours: Record<Weekday, [string, string][]>): string {
  const lines: string[] = [];
  let i = 0;
  while (i < WEEKDAYS.length) {
    const day = WEEKDAYS[i] as Weekday;
    const text = hours[day].map(([from, to]) => `${from}–${to}`).join(', ');
    let j = i;
    while (
      j + 1 < WEEKDAYS.length &&
      hours[WEEKDAYS[j + 1] as Weekday].map(([f, to]) => `${f}–${to}`).join(', ') === text
    ) {
      j++;
    }
    if (text) {
      const first = t(`portal.day.${day}` as MessageKey);
      const last = t(`portal.day.${WEEKDAYS[j] as Weekday}` as MessageKey);
      lines.push(`${i === j ? first : `${first}–${last}`} ${text}`);
    }
    i = j + 1;
  }
  return lines.join('; ') || '–';
}

let locale: Locale = preferredLocale();
let t = translator(locale);
let session = readSession();
let me: Me | undefined;
let filter: 'open' | 'closed' | 'all' = 'open';
/** The ticket on screen, if any, with its place in the queue as last read. */
let onScreen: { ticket: PortalTicket; readAt: Date; box: HTMLElement } | undefined;

const message = byId('portal-message');
const root = byId('portal');

/** Every call of the signed-in page carries the session; a 401 means it is over. */
const send: Send = async <T>(path: string, options: CallOptions = {}) => {
  try {
    return await call<T>(path.replace(/^\/tickets\//, '/portal/tickets/'), {
      ...options,
      token: session,
    });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) signOut('portal.expired');
    throw error;
  }
};

for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-locale]')) {
  button.addEventListener('click', () => {
    const chosen = button.dataset.locale === 'en' ? 'en' : 'de';
    rememberLocale(chosen);
    setLocale(chosen);
    void route();
  });
}
window.addEventListener('hashchange', () => void route());
setLocale(locale);
void start();
// A waiting ticket's place is read afresh like on the status page.
refreshWhileWaiting(() => onScreen?.ticket.status === 'open', refreshShownTicket);

function readSession(): string | undefined {
  try {
    return sessionStorage.getItem(SESSION_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

function setLocale(next: Locale) {
  locale = next;
  t = translator(locale);
  document.documentElement.lang = locale;
  document.title = `${t('portal.title')} – ${t('site.name')}`;
  byId('heading').textContent = t('portal.title');
  byId('skip-link').textContent = t('site.skip');
  byId('locale-nav').setAttribute('aria-label', t('site.language'));
  byId('footer-text').textContent = t('site.footer');
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-locale]')) {
    button.setAttribute('aria-pressed', String(button.dataset.locale === locale));
  }
}

async function start() {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  if (code) {
    // The code is taken out of the address bar and the history at once; it is spent only
    // by the button: mail scanners that open links (some run scripts) must not use it up.
    const lang = params.get('lang');
    history.replaceState(null, '', `${location.pathname}${lang ? `?lang=${lang}` : ''}`);
    renderRedeem(code);
    return;
  }
  await enter();
}

/** With a session: who is signed in, then the view the hash names. */
async function enter() {
  if (!session) {
    renderSignIn();
    return;
  }
  try {
    me = await send<Me>('/portal/me');
  } catch {
    return;
  }
  if (!location.hash || location.hash === '#') location.hash = '#/tickets';
  else await route();
}

/** The page the mailed link opens: one button that trades the code for a session. */
function renderRedeem(code: string) {
  const button = h(
    'button',
    { className: 'primary', attrs: { type: 'button', id: 'redeem' } },
    t('portal.continue'),
  );
  button.addEventListener('click', () => {
    void busy(button, async () => {
      announce(message, t('portal.signingIn'));
      try {
        const answer = await call<{ sessionToken: string }>('/portal/session', {
          method: 'POST',
          json: { code },
        });
        session = answer?.sessionToken;
        if (session) sessionStorage.setItem(SESSION_KEY, session);
        announce(message, '');
        await enter();
      } catch {
        renderSignIn();
        announce(message, t('portal.linkInvalid'), 'error');
      }
    });
  });
  replaceChildren(root, h('p', null, t('portal.continueIntro')), button);
  root.hidden = false;
}

function signOut(reason?: 'portal.expired') {
  if (session) void call('/portal/session', { method: 'DELETE', token: session }).catch(() => {});
  session = undefined;
  me = undefined;
  sessionStorage.removeItem(SESSION_KEY);
  history.replaceState(null, '', location.pathname);
  renderSignIn();
  if (reason) announce(message, t(reason), 'error');
}

function renderSignIn() {
  const summary = h('div', {
    className: 'error-summary',
    attrs: { role: 'alert', tabindex: -1, hidden: true },
  });
  const input = h('input', {
    attrs: {
      id: 'sign-in-email',
      name: 'email',
      type: 'email',
      autocomplete: 'email',
      required: true,
    },
  });
  const button = h(
    'button',
    { className: 'primary', attrs: { type: 'submit' } },
    t('portal.signIn'),
  );
  const form = h(
    'form',
    { attrs: { id: 'sign-in-form', novalidate: true } },
    h('p', null, t('portal.intro')),
    summary,
    h(
      'div',
      { className: 'field', attrs: { 'data-field': 'email' } },
      h('label', { attrs: { for: 'sign-in-email' } }, t('portal.email')),
      input,
    ),
    button,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFieldErrors(form, summary);
    void busy(button, async () => {
      try {
        await call('/portal/sign-in', { method: 'POST', json: { email: input.value, locale } });
        announce(message, t('portal.linkSent'), 'success');
      } catch (error) {
        showCustomerError(t, form, summary, error, { 429: t('errors.throttled') });
      }
    });
  });
  replaceChildren(root, form);
  root.hidden = false;
}

async function route() {
  if (!session || !me) {
    if (!session) renderSignIn();
    return;
  }
  const [, view, id] = location.hash.split('/');
  announce(message, '');
  onScreen = undefined;
  try {
    if (view === 'tickets' && id) await showTicket(decodeURIComponent(id));
    else if (view === 'new') showNewTicket();
    else if (view === 'contract') await showContract();
    else await showList();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return;
    announce(
      message,
      error instanceof ApiError && error.status === 404 ? error.message : t('errors.generic'),
      'error',
    );
  }
}

/** The bar over every signed-in view: who, the views, sign out. */
function frame(current: 'tickets' | 'new' | 'contract', ...content: (Node | null)[]) {
  const signedIn = me as Me;
  const link = (view: typeof current, label: string) =>
    h(
      'a',
      {
        attrs: {
          href: `#/${view}`,
          'aria-current': view === current ? 'page' : undefined,
          id: `nav-${view}`,
        },
      },
      label,
    );
  replaceChildren(
    root,
    h(
      'div',
      { className: 'portal-bar' },
      h(
        'p',
        { attrs: { id: 'signed-in-as' } },
        t('portal.signedInAs', { name: signedIn.name }),
        signedIn.customer ? ` · ${signedIn.customer.name}` : '',
      ),
      h(
        'nav',
        { attrs: { 'aria-label': t('portal.title') } },
        h(
          'ul',
          { className: 'portal-nav' },
          h('li', null, link('tickets', t('portal.tickets'))),
          h('li', null, link('new', t('portal.newTicket'))),
          signedIn.customer && !signedIn.ownTicketsOnly
            ? h('li', null, link('contract', t('portal.contract')))
            : null,
        ),
      ),
      h(
        'button',
        { attrs: { type: 'button', id: 'sign-out' }, on: { click: () => signOut() } },
        t('portal.signOut'),
      ),
    ),
    ...content,
  );
  root.hidden = false;
}

async function showList(cursor?: string, shown: PortalItem[] = []) {
  const page = await send<{ items: PortalItem[]; nextCursor: string | null }>(
    `/portal/tickets?status=${filter}&limit=25${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
  );
  const items = [...shown, ...(page?.items ?? [])];
  const signedIn = me as Me;
  const filters = h(
    'div',
    { className: 'portal-filter', attrs: { role: 'group', 'aria-label': t('portal.filter') } },
    ...(['open', 'closed', 'all'] as const).map((value) =>
      h(
        'button',
        {
          attrs: { type: 'button', 'aria-pressed': String(filter === value), 'data-filter': value },
          on: { click: () => ((filter = value), void showList()) },
        },
        t(`portal.filter.${value}`),
      ),
    ),
  );
  frame(
    'tickets',
    h(
      'p',
      { className: 'hint' },
      signedIn.customer && !signedIn.ownTicketsOnly
        ? t('portal.orgTickets', { customer: signedIn.customer.name })
        : t('portal.ownOnly'),
    ),
    filters,
    items.length
      ? h(
          'ul',
          { className: 'portal-list', attrs: { id: 'portal-tickets' } },
          ...items.map((item) =>
            h(
              'li',
              { attrs: { 'data-ticket': item.ticketId } },
              h(
                'a',
                { attrs: { href: `#/tickets/${encodeURIComponent(item.ticketId)}` } },
                h('strong', null, item.ticketId),
                ' ',
                item.subject,
              ),
              h(
                'p',
                { className: 'hint' },
                h(
                  'span',
                  { className: `badge status-${item.status}` },
                  t(`ticketStatus.${item.status}`),
                ),
                ' · ',
                t(`severity.${item.severity}`),
                ' · ',
                formatDateTime(item.receivedAt, locale),
                ' · ',
                t('portal.from', { name: item.requester.name }),
              ),
            ),
          ),
        )
      : h('p', { attrs: { id: 'portal-empty' } }, t('portal.noTickets')),
    page?.nextCursor
      ? h(
          'button',
          {
            attrs: { type: 'button' },
            on: { click: () => void showList(page.nextCursor ?? undefined, items) },
          },
          t('portal.more'),
        )
      : null,
  );
}

async function showTicket(ticketId: string) {
  const ticket = await send<PortalTicket>(`/portal/tickets/${encodeURIComponent(ticketId)}`);
  if (!ticket) return;
  renderTicket(ticket);
}

/**
 * Reads the ticket on screen again: only its place in the queue changes unless more has
 * changed, and a reply being typed stays.
 */
async function refreshShownTicket() {
  const current = onScreen;
  if (!current) return;
  const ticketId = current.ticket.ticketId;
  let fresh: PortalTicket | undefined;
  try {
    fresh = await send<PortalTicket>(`/portal/tickets/${encodeURIComponent(ticketId)}`);
  } catch {
    // The next refresh tries again; the page keeps what it shows.
  }
  // Another view may have been opened meanwhile.
  if (!fresh || onScreen !== current) return;
  const same =
    fresh.status === current.ticket.status &&
    fresh.updatedAt === current.ticket.updatedAt &&
    fresh.messages.length === current.ticket.messages.length;
  if (same) {
    current.ticket = fresh;
    current.readAt = new Date();
    renderQueueStanding(current.box, fresh, current.readAt, { t, locale }, 'h3');
    return;
  }
  const draft = root.querySelector('textarea')?.value ?? '';
  renderTicket(fresh);
  const textarea = root.querySelector('textarea');
  if (textarea) textarea.value = draft;
}

/** One ticket: its facts and service level, its place in the queue, conversation, files. */
function renderTicket(ticket: PortalTicket) {
  const ticketId = ticket.ticketId;
  const box = queueBox();
  onScreen = { ticket, readAt: new Date(), box };
  renderQueueStanding(box, ticket, onScreen.readAt, { t, locale }, 'h3');
  const fact = (term: string, value: Node | string) => [h('dt', null, term), h('dd', null, value)];
  frame(
    'tickets',
    h('p', null, h('a', { attrs: { href: '#/tickets' } }, t('portal.back'))),
    h('h2', { attrs: { id: 'ticket-heading' } }, `${ticket.ticketId}: ${ticket.subject}`),
    h(
      'dl',
      { className: 'facts' },
      ...fact(
        t('status.status'),
        h(
          'span',
          { className: `badge status-${ticket.status}`, attrs: { 'data-status': ticket.status } },
          t(`ticketStatus.${ticket.status}`),
        ),
      ),
      ...fact(t('status.severity'), t(`severity.${ticket.severity}`)),
      ...fact(
        t('status.received'),
        `${formatDateTime(ticket.receivedAt, locale)} · ${t('portal.from', { name: ticket.requester.name })}`,
      ),
      ...fact(t('status.updated'), formatDateTime(ticket.updatedAt, locale)),
      ...serviceLevelFacts(ticket, { t, locale }),
    ),
    box,
    h('h3', null, t('status.conversation')),
    h(
      'ol',
      { className: 'conversation', attrs: { id: 'conversation' } },
      entry(ticket.requester.name, 'customer', ticket.description, ticket.receivedAt),
      ...ticket.messages.map((m: TicketMessage) =>
        entry(
          m.author.kind === 'agent' ? t('status.support', { name: m.author.name }) : m.author.name,
          m.author.kind,
          m.body,
          m.createdAt,
          ticketId,
          m.attachments,
        ),
      ),
    ),
    h('h3', null, t('files.heading')),
    (ticket.attachments ?? []).length
      ? files(ticketId, ticket.attachments ?? [])
      : h('p', { className: 'hint' }, t('files.none')),
    ticket.status === 'closed'
      ? h('p', { className: 'notice' }, t('status.closed'))
      : uploadForm(ticketId),
    ticket.status === 'closed' ? null : replyForm(ticketId),
  );
}

function entry(
  who: string,
  kind: 'customer' | 'agent',
  body: string,
  at: string,
  ticketId?: string,
  attachments: Attachment[] = [],
) {
  return h(
    'li',
    { className: `message from-${kind}` },
    h(
      'p',
      { className: 'message-meta' },
      h('strong', null, who),
      ' · ',
      h('time', { attrs: { datetime: at } }, formatDateTime(at, locale)),
    ),
    h('div', { className: 'message-body' }, body),
    attachments.length && ticketId ? files(ticketId, attachments) : null,
  );
}

function files(ticketId: string, attachments: Attachment[]) {
  return fileList(
    attachments,
    { locale, download: t('files.download'), rejected: (a) => customerRejection(t, locale, a) },
    (attachment, button) => {
      const key = attachment.key;
      if (!key) return;
      void busy(button, async () => {
        try {
          await downloadAttachment(send, ticketId, key);
        } catch {
          announce(message, t('files.downloadFailed'), 'error');
        }
      });
    },
  );
}

function uploadForm(ticketId: string) {
  const input = h('input', { attrs: { id: 'upload-files', type: 'file', multiple: true } });
  const list = h('div', { attrs: { id: 'uploads' } });
  const button = h('button', { attrs: { type: 'submit' } }, t('files.upload'));
  const form = h(
    'form',
    { attrs: { id: 'upload-form' } },
    h(
      'div',
      { className: 'field' },
      h('label', { attrs: { for: 'upload-files' } }, t('files.add')),
      h('p', { className: 'hint' }, t('files.hint')),
      input,
    ),
    button,
    list,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const uploads: Upload[] = uploadsOf([...(input.files ?? [])]);
    if (!uploads.length) return;
    const render = () =>
      replaceChildren(
        list,
        uploadList(
          uploads,
          { locale, state: (u) => customerUploadState(t, u), retry: t('upload.retry') },
          () => {},
        ),
      );
    const queue = uploadQueue(send, ticketId, uploads, render);
    void busy(button, async () => {
      await queue.run();
      if (uploads.every((u) => u.state === 'done')) await showTicket(ticketId);
    });
  });
  return form;
}

function replyForm(ticketId: string) {
  const summary = h('div', {
    className: 'error-summary',
    attrs: { role: 'alert', tabindex: -1, hidden: true },
  });
  const textarea = h('textarea', {
    attrs: { id: 'reply-body', name: 'body', rows: 5, maxlength: 20000 },
  });
  const button = h('button', { className: 'primary', attrs: { type: 'submit' } }, t('status.send'));
  const form = h(
    'form',
    { attrs: { id: 'reply-form' } },
    h('h3', null, t('status.replyHeading')),
    summary,
    h(
      'div',
      { className: 'field', attrs: { 'data-field': 'body' } },
      h('label', { attrs: { for: 'reply-body' } }, t('status.reply')),
      textarea,
    ),
    button,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFieldErrors(form, summary);
    void busy(button, async () => {
      try {
        await send(`/portal/tickets/${encodeURIComponent(ticketId)}/messages`, {
          method: 'POST',
          json: { body: textarea.value },
        });
        await showTicket(ticketId);
        announce(message, t('status.sent'), 'success');
      } catch (error) {
        showCustomerError(t, form, summary, error, { 409: t('status.closed') });
      }
    });
  });
  return form;
}

function showNewTicket() {
  const signedIn = me as Me;
  const summary = h('div', {
    className: 'error-summary',
    attrs: { role: 'alert', tabindex: -1, hidden: true },
  });
  const field = (id: string, label: string, control: HTMLElement) =>
    h(
      'div',
      { className: 'field', attrs: { 'data-field': id } },
      h('label', { attrs: { for: `new-${id}` } }, label),
      control,
    );
  const subject = h('input', {
    attrs: { id: 'new-subject', name: 'subject', maxlength: 200, required: true },
  });
  const description = h('textarea', {
    attrs: { id: 'new-description', name: 'description', rows: 8, maxlength: 20000 },
  });
  const severity = h(
    'select',
    { attrs: { id: 'new-severity', name: 'severity' } },
    ...SEVERITIES.map((s) =>
      h('option', { attrs: { value: s, selected: s === 'normal' } }, t(`severity.${s}`)),
    ),
  );
  const button = h('button', { className: 'primary', attrs: { type: 'submit' } }, t('form.submit'));
  const form = h(
    'form',
    { attrs: { id: 'new-ticket-form', novalidate: true } },
    h(
      'p',
      { attrs: { id: 'new-intro' } },
      t('portal.new.intro', { name: signedIn.name, email: signedIn.email }),
    ),
    summary,
    field('subject', t('form.subject'), subject),
    field('description', t('form.description'), description),
    field('severity', t('form.severity'), severity),
    button,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFieldErrors(form, summary);
    void busy(button, async () => {
      try {
        const filed = await send<{ ticketId: string }>('/portal/tickets', {
          method: 'POST',
          json: {
            subject: subject.value,
            description: description.value,
            severity: severity.value,
            locale,
          },
        });
        if (!filed) return;
        location.hash = `#/tickets/${encodeURIComponent(filed.ticketId)}`;
        announce(message, t('portal.new.sent', { ticketId: filed.ticketId }), 'success');
      } catch (error) {
        showCustomerError(t, form, summary, error);
      }
    });
  });
  frame('new', form);
}

async function showContract() {
  const view = await send<PortalContract>('/portal/contract');
  if (!view) return;
  const c = view.contract;
  const fact = (term: string, value: string) => [h('dt', null, term), h('dd', null, value)];
  frame(
    'contract',
    h('h2', null, view.customer.name),
    c
      ? h(
          'dl',
          { className: 'facts', attrs: { id: 'contract-facts' } },
          ...fact(t('portal.contract.id'), c.id),
          ...fact(
            t('portal.contract.valid'),
            c.validTo
              ? t('portal.contract.validRange', { from: c.validFrom, to: c.validTo })
              : t('portal.contract.validOpen', { from: c.validFrom }),
          ),
          ...fact(t('portal.contract.included'), String(c.includedMinutesPerMonth)),
          ...(view.thisMonth
            ? fact(
                t('portal.contract.thisMonth', { month: view.thisMonth.month }),
                t('portal.contract.usedLeft', {
                  used: String(view.thisMonth.usedMinutes),
                  left: String(view.thisMonth.leftMinutes),
                }),
              )
            : []),
        )
      : h('p', null, t('portal.contract.none')),
    c && !view.active ? h('p', { className: 'notice' }, t('portal.contract.inactive')) : null,
    c
      ? tableWrap(
          { className: 'portal-months', attrs: { id: 'contract-months' } },
          h('caption', null, t('portal.contract.months')),
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', { attrs: { scope: 'col' } }, t('portal.contract.month')),
              h('th', { attrs: { scope: 'col' } }, t('portal.contract.used')),
              h('th', { attrs: { scope: 'col' } }, t('portal.contract.included')),
            ),
          ),
          h(
            'tbody',
            null,
            ...view.months.map((m) =>
              h(
                'tr',
                null,
                h('th', { attrs: { scope: 'row' } }, m.month),
                h('td', null, String(m.usedMinutes)),
                h('td', null, String(m.includedMinutes)),
              ),
            ),
          ),
        )
      : null,
    view.plan ? planSection(view.plan) : null,
    c ? serviceLevelTable(view.months) : null,
  );
}

/** A table that scrolls sideways within itself on a narrow phone, never the whole page. */
function tableWrap(props: ElementProps, ...children: (Node | null)[]): HTMLElement {
  return h('div', { className: 'table-wrap' }, h('table', props, ...children));
}

/** The contract's plan: its name, business hours and targets per severity. */
function planSection(plan: NonNullable<PortalContract['plan']>): Node {
  return h(
    'section',
    { attrs: { id: 'contract-plan' } },
    h('h3', null, t('portal.contract.plan', { name: plan.name })),
    h('p', null, t('portal.contract.hours', { hours: hoursInWords(plan.businessHours) })),
    tableWrap(
      { className: 'portal-months', attrs: { id: 'contract-targets' } },
      h('caption', null, t('portal.contract.targets')),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { attrs: { scope: 'col' } }, t('portal.contract.severity')),
          h('th', { attrs: { scope: 'col' } }, t('portal.contract.firstResponse')),
          h('th', { attrs: { scope: 'col' } }, t('portal.contract.resolution')),
        ),
      ),
      h(
        'tbody',
        null,
        ...SEVERITY_ORDER.map((severity) =>
          h(
            'tr',
            null,
            h('th', { attrs: { scope: 'row' } }, t(`severity.${severity}`)),
            h('td', null, businessTime(plan.targets[severity].firstResponseMinutes)),
            h('td', null, businessTime(plan.targets[severity].resolutionMinutes)),
          ),
        ),
      ),
    ),
  );
}

/** How the targets were met, month by month (tickets counted in the month received). */
function serviceLevelTable(months: PortalContract['months']): Node {
  const sum = (
    m: PortalContract['months'][number],
    key:
      | 'tickets'
      | 'firstResponsesMet'
      | 'firstResponsesBreached'
      | 'resolutionsMet'
      | 'resolutionsBreached',
  ) => String(m.serviceLevels.reduce((total, row) => total + row[key], 0));
  return tableWrap(
    { className: 'portal-months', attrs: { id: 'contract-service-levels' } },
    h('caption', null, t('portal.contract.results')),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { attrs: { scope: 'col' } }, t('portal.contract.month')),
        h('th', { attrs: { scope: 'col' } }, t('portal.contract.tickets')),
        h('th', { attrs: { scope: 'col' } }, t('portal.contract.answered')),
        h('th', { attrs: { scope: 'col' } }, t('portal.contract.resolved')),
      ),
    ),
    h(
      'tbody',
      null,
      ...months.map((m) =>
        h(
          'tr',
          null,
          h('th', { attrs: { scope: 'row' } }, m.month),
          h('td', null, sum(m, 'tickets')),
          h(
            'td',
            null,
            t('portal.contract.inTimeLate', {
              met: sum(m, 'firstResponsesMet'),
              late: sum(m, 'firstResponsesBreached'),
            }),
          ),
          h(
            'td',
            null,
            t('portal.contract.inTimeLate', {
              met: sum(m, 'resolutionsMet'),
              late: sum(m, 'resolutionsBreached'),
            }),
          ),
        ),
      ),
    ),
  );
}
