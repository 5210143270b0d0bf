import { ApiError, call, type CustomerTicket, type TicketMessage } from '../lib/api';
import { announce, busy, byId, h, replaceChildren } from '../lib/dom';
import { clearFieldErrors, showFieldErrors } from '../lib/field-errors';
import { formatDateTime } from '../lib/format';
import { customerMessage, preferredLocale, rememberLocale, translator } from '../lib/locale';
import type { Locale, MessageKey } from '../i18n/messages';

/**
 * The customer's status page, opened with the link from the acknowledgement mail
 * (`/status.html?ticket=T-…&token=…`): status and the public conversation, and a reply
 * form. The page is written here, in the customer's language, switchable in place.
 */
const params = new URLSearchParams(location.search);
const ticketId = params.get('ticket') ?? '';
const accessToken = params.get('token') ?? '';

let locale: Locale = preferredLocale();
let t = translator(locale);
let ticket: CustomerTicket | undefined;
let problem: 'missing' | 'notFound' | 'error' | undefined;

const container = byId('ticket');
const message = byId('status-message');

for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-locale]')) {
  button.addEventListener('click', () => {
    const chosen = button.dataset.locale === 'en' ? 'en' : 'de';
    rememberLocale(chosen);
    setLocale(chosen);
  });
}
setLocale(locale);
void load();

function setLocale(next: Locale) {
  const draft = container.querySelector('textarea')?.value ?? '';
  locale = next;
  t = translator(locale);
  document.documentElement.lang = locale;
  document.title = `${ticket ? t('status.heading', { ticketId }) : t('status.title')} – ${t('site.name')}`;
  byId('skip-link').textContent = t('site.skip');
  byId('locale-nav').setAttribute('aria-label', t('site.language'));
  byId('footer-text').textContent = t('site.footer');
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-locale]')) {
    button.setAttribute('aria-pressed', String(button.dataset.locale === locale));
  }
  render();
  const textarea = container.querySelector('textarea');
  if (textarea) textarea.value = draft;
}

async function load() {
  if (!ticketId || !accessToken) {
    problem = 'missing';
    render();
    return;
  }
  if (!ticket) announce(message, t('status.loading'));
  try {
    ticket = await call<CustomerTicket>(`/tickets/${encodeURIComponent(ticketId)}`, {
      ticketToken: accessToken,
    });
    problem = undefined;
  } catch (error) {
    problem = error instanceof ApiError && error.status === 404 ? 'notFound' : 'error';
  }
  const draft = container.querySelector('textarea')?.value ?? '';
  render();
  const textarea = container.querySelector('textarea');
  if (textarea) textarea.value = draft;
}

function render() {
  const heading = byId('heading');
  if (problem) {
    heading.textContent = t('status.title');
    container.hidden = true;
    const key: MessageKey =
      problem === 'missing'
        ? 'status.missing'
        : problem === 'notFound'
          ? 'status.notFound'
          : 'errors.network';
    announce(message, t(key), 'error');
    return;
  }
  if (!ticket) return;
  announce(message, '');
  heading.textContent = t('status.heading', { ticketId: ticket.ticketId });
  document.title = `${t('status.heading', { ticketId: ticket.ticketId })} – ${t('site.name')}`;
  replaceChildren(
    container,
    h(
      'dl',
      { className: 'facts' },
      ...fact(t('status.subject'), ticket.subject),
      ...fact(
        t('status.status'),
        h(
          'span',
          { className: `badge status-${ticket.status}`, attrs: { 'data-status': ticket.status } },
          t(`ticketStatus.${ticket.status}`),
        ),
      ),
      ...fact(t('status.severity'), t(`severity.${ticket.severity}`)),
      ...fact(t('status.received'), formatDateTime(ticket.receivedAt, locale)),
      ...fact(t('status.updated'), formatDateTime(ticket.updatedAt, locale)),
    ),
    h('h2', null, t('status.conversation')),
    h(
      'ol',
      { className: 'conversation', attrs: { id: 'conversation' } },
      entry({ kind: 'customer', name: '' }, ticket.description, ticket.receivedAt, ticket.channel),
      ...ticket.messages.map((m: TicketMessage) => entry(m.author, m.body, m.createdAt, m.channel)),
    ),
    ticket.status === 'closed' ? closedNote() : replyForm(),
    h(
      'p',
      null,
      h(
        'button',
        { attrs: { type: 'button' }, on: { click: () => void load() } },
        t('status.refresh'),
      ),
    ),
  );
  container.hidden = false;
}

function fact(term: string, value: Node | string): HTMLElement[] {
  return [h('dt', null, term), h('dd', null, value)];
}

function entry(
  author: TicketMessage['author'],
  body: string,
  at: string,
  channel: TicketMessage['channel'],
): HTMLElement {
  const who =
    author.kind === 'customer' ? t('status.you') : t('status.support', { name: author.name });
  const via =
    channel === 'email' ? t('status.viaMail') : channel === 'phone' ? t('status.viaPhone') : '';
  return h(
    'li',
    { className: `message from-${author.kind}` },
    h(
      'p',
      { className: 'message-meta' },
      h('strong', null, who),
      ' · ',
      h('time', { attrs: { datetime: at } }, formatDateTime(at, locale)),
      via ? ` · ${via}` : '',
    ),
    h('div', { className: 'message-body' }, body),
  );
}

function closedNote(): HTMLElement {
  return h(
    'p',
    { className: 'notice' },
    t('status.closed'),
    ' ',
    h('a', { attrs: { href: locale === 'en' ? '/en/' : '/' } }, t('status.newTicket')),
  );
}

function replyForm(): HTMLElement {
  const summary = h('div', {
    className: 'error-summary',
    attrs: { role: 'alert', tabindex: -1, hidden: true },
  });
  const textarea = h('textarea', {
    attrs: {
      id: 'reply-body',
      name: 'body',
      rows: 6,
      maxlength: 20000,
      'aria-describedby': 'reply-hint',
    },
  });
  const button = h('button', { className: 'primary', attrs: { type: 'submit' } }, t('status.send'));
  const form = h(
    'form',
    { attrs: { id: 'reply-form', 'aria-labelledby': 'reply-heading' } },
    h('h2', { attrs: { id: 'reply-heading' } }, t('status.replyHeading')),
    summary,
    h(
      'div',
      { className: 'field', attrs: { 'data-field': 'body' } },
      h('label', { attrs: { for: 'reply-body' } }, t('status.reply')),
      h('p', { className: 'hint', attrs: { id: 'reply-hint' } }, t('status.reply.hint')),
      textarea,
    ),
    button,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFieldErrors(form, summary);
    void busy(button, async () => {
      try {
        await call(`/tickets/${encodeURIComponent(ticketId)}/messages`, {
          method: 'POST',
          json: { body: textarea.value },
          ticketToken: accessToken,
        });
        textarea.value = '';
        await load();
        announce(message, t('status.sent'), 'success');
      } catch (error) {
        if (error instanceof ApiError && error.problem.errors?.length) {
          showFieldErrors(form, error.problem, {
            summary,
            heading: t('errors.summary'),
            messageOf: (fieldError) => customerMessage(t, fieldError.message),
          });
        } else {
          const text =
            error instanceof ApiError && error.status === 409
              ? t('status.closed')
              : error instanceof ApiError && error.status === 0
                ? t('errors.network')
                : t('errors.generic');
          replaceChildren(summary, h('p', null, text));
          summary.hidden = false;
          summary.focus();
        }
      }
    });
  });
  return form;
}
