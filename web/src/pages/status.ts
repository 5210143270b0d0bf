import {
  ApiError,
  call,
  type Attachment,
  type CustomerTicket,
  type TicketMessage,
} from '../lib/api';
import {
  customerRejection,
  customerUploadState,
  downloadAttachment,
  fileList,
  fileProblems,
  uploadCounts,
  uploadList,
  uploadQueue,
  uploadsOf,
  type Send,
  type Upload,
} from '../lib/attachments';
import { announce, busy, byId, h, replaceChildren } from '../lib/dom';
import { clearFieldErrors, showFieldErrors } from '../lib/field-errors';
import { formatDateTime } from '../lib/format';
import { preferredLocale, rememberLocale, showCustomerError, translator } from '../lib/locale';
import {
  queueBox as makeQueueBox,
  refreshWhileWaiting,
  renderQueueStanding,
  serviceLevelFacts,
} from '../lib/standing';
import type { Locale, MessageKey } from '../i18n/messages';

/**
 * The customer's status page, opened with the link from the acknowledgement mail
 * (`/status.html?ticket=T-…&token=…`): status and the public conversation, the files of
 * the ticket and of each message (to download, and to add more), and a reply form. The
 * page is written here, in the customer's language, switchable in place.
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

/** Every API call of this page goes with the ticket's access token. */
const send: Send = (path, options) => call(path, { ...options, ticketToken: accessToken });

// The file picker, the files being sent and their outcome outlive a re-render (refresh,
// language switch), so they are made once and put back into each new rendering.
const fileInput = h('input', {
  attrs: { id: 'upload-files', type: 'file', multiple: true, 'aria-describedby': 'upload-hint' },
});
const uploadsBox = h('div', { attrs: { id: 'uploads' } });
const uploadStatus = h('p', {
  className: 'message',
  attrs: { role: 'status', id: 'upload-status' },
});
// The place in the queue is refreshed on its own, without re-rendering the reply form.
const queueBox = makeQueueBox();
let queueReadAt = new Date();
let uploads: Upload[] = [];
let uploading: ReturnType<typeof uploadQueue> | undefined;

for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-locale]')) {
  button.addEventListener('click', () => {
    const chosen = button.dataset.locale === 'en' ? 'en' : 'de';
    rememberLocale(chosen);
    setLocale(chosen);
  });
}
setLocale(locale);
void load();
refreshWhileWaiting(() => ticket?.status === 'open', refreshQueue);

/** Reads the ticket again; only the place in the queue changes unless more has changed. */
async function refreshQueue() {
  let fresh: CustomerTicket | undefined;
  try {
    fresh = await call<CustomerTicket>(`/tickets/${encodeURIComponent(ticketId)}`, {
      ticketToken: accessToken,
    });
  } catch {
    // The next refresh or the button tries again; the page keeps what it shows.
  }
  if (!fresh) return;
  const same =
    ticket !== undefined &&
    fresh.status === ticket.status &&
    fresh.updatedAt === ticket.updatedAt &&
    fresh.messages.length === ticket.messages.length;
  ticket = fresh;
  queueReadAt = new Date();
  if (same) {
    renderQueue(fresh);
    return;
  }
  const draft = container.querySelector('textarea')?.value ?? '';
  render();
  const textarea = container.querySelector('textarea');
  if (textarea) textarea.value = draft;
}

/** The place in the queue in plain words (web/src/lib/standing.ts). */
function renderQueue(shown: CustomerTicket) {
  renderQueueStanding(queueBox, shown, queueReadAt, { t, locale });
}

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
    queueReadAt = new Date();
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
  renderQueue(ticket);
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
      ...serviceLevelFacts(ticket, { t, locale }),
    ),
    queueBox,
    h('h2', null, t('status.conversation')),
    h(
      'ol',
      { className: 'conversation', attrs: { id: 'conversation' } },
      entry({ kind: 'customer', name: '' }, ticket.description, ticket.receivedAt, ticket.channel),
      ...ticket.messages.map((m: TicketMessage) =>
        entry(m.author, m.body, m.createdAt, m.channel, m.attachments),
      ),
    ),
    filesSection(ticket),
    ...(ticket.mergedInto
      ? [
          h('p', { className: 'notice' }, t('status.merged', { target: ticket.mergedInto })),
          replyForm(),
        ]
      : [ticket.status === 'closed' ? closedNote() : replyForm()]),
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
  attachments: Attachment[] = [],
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
    attachments.length ? files(attachments) : null,
  );
}

/** A list of files, each stored one a button that downloads it. */
function files(attachments: Attachment[], attrs: Record<string, string> = {}): HTMLElement {
  return fileList(
    attachments,
    {
      locale,
      download: t('files.download'),
      rejected: (attachment) => customerRejection(t, locale, attachment),
    },
    (attachment, button) => {
      if (!attachment.key) return;
      const key = attachment.key;
      void busy(button, async () => {
        try {
          await downloadAttachment(send, ticketId, key);
        } catch {
          announce(message, t('files.downloadFailed'), 'error');
        }
      });
    },
    attrs,
  );
}

/** The ticket's own files (uploaded here or on the form, or brought by the first mail). */
function filesSection(shown: CustomerTicket): HTMLElement {
  const attachments = shown.attachments ?? [];
  return h(
    'section',
    { className: 'files' },
    h('h2', { attrs: { id: 'files-heading' } }, t('files.heading')),
    attachments.length
      ? files(attachments, { id: 'ticket-files' })
      : h('p', { className: 'hint', attrs: { id: 'no-files' } }, t('files.none')),
    shown.status === 'closed' ? null : uploadForm(),
  );
}

function uploadForm(): HTMLElement {
  // The picker outlives the form; errors shown in an earlier rendering are gone with it.
  fileInput.removeAttribute('aria-invalid');
  fileInput.setAttribute('aria-describedby', 'upload-hint');
  const summary = h('div', {
    className: 'error-summary',
    attrs: { role: 'alert', tabindex: -1, hidden: true },
  });
  const button = h('button', { attrs: { type: 'submit' } }, t('files.upload'));
  const form = h(
    'form',
    { attrs: { id: 'upload-form', 'aria-labelledby': 'upload-heading', novalidate: true } },
    h('h3', { attrs: { id: 'upload-heading' } }, t('files.add')),
    summary,
    h(
      'div',
      { className: 'field', attrs: { 'data-field': 'files' } },
      h('label', { attrs: { for: 'upload-files' } }, t('files.choose')),
      h('p', { className: 'hint', attrs: { id: 'upload-hint' } }, t('files.hint')),
      fileInput,
    ),
    button,
    uploadsBox,
    uploadStatus,
  );
  renderUploads();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFieldErrors(form, summary);
    const chosen = [...(fileInput.files ?? [])];
    const problems = chosen.length
      ? fileProblems(t, locale, chosen)
      : [{ field: 'files', message: t('files.required') }];
    if (problems.length) {
      showFieldErrors(
        form,
        { type: 'about:blank', title: 'Bad files', status: 400, detail: '', errors: problems },
        { summary, heading: t('errors.summary') },
      );
      return;
    }
    uploads = uploadsOf(chosen);
    fileInput.value = '';
    uploading = uploadQueue(send, ticketId, uploads, renderUploads);
    const queue = uploading;
    void busy(button, () => sendFiles(queue.run()));
  });
  return form;
}

/** Waits for the files to go, says how it went and shows the ticket's files anew. */
async function sendFiles(sending: Promise<void>): Promise<void> {
  await sending;
  const counts = uploadCounts(uploads);
  const total = String(counts.total);
  if (counts.failed === 0) {
    announce(uploadStatus, t('upload.allDone', { done: String(counts.done), total }), 'success');
  } else {
    announce(
      uploadStatus,
      t('files.someFailed', { failed: String(counts.failed), total }),
      'error',
    );
  }
  await load();
  fileInput.focus();
}

function renderUploads() {
  replaceChildren(
    uploadsBox,
    uploads.length
      ? uploadList(
          uploads,
          { locale, state: (u) => customerUploadState(t, u), retry: t('upload.retry') },
          (upload) => {
            fileInput.focus();
            if (uploading) void sendFiles(uploading.retry(upload));
          },
        )
      : null,
  );
  const index = uploads.findIndex((u) => u.state === 'uploading');
  if (index >= 0) {
    const progress = { index: String(index + 1), total: String(uploads.length) };
    announce(uploadStatus, t('upload.progress', progress));
  }
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
        await send(`/tickets/${encodeURIComponent(ticketId)}/messages`, {
          method: 'POST',
          json: { body: textarea.value },
        });
        textarea.value = '';
        await load();
        announce(message, t('status.sent'), 'success');
      } catch (error) {
        showCustomerError(t, form, summary, error, { 409: t('status.closed') });
      }
    });
  });
  return form;
}
