import { call, type SubmittedTicket } from '../lib/api';
import {
  customerUploadState,
  fileProblems,
  formatSize,
  uploadCounts,
  uploadList,
  uploadQueue,
  uploadsOf,
  type Send,
} from '../lib/attachments';
import { announce, busy, byId, h, replaceChildren } from '../lib/dom';
import { clearFieldErrors, showFieldErrors } from '../lib/field-errors';
import { pageLocale, rememberLocale, showCustomerError, translator } from '../lib/locale';
import { isLocale } from '../i18n/messages';

/**
 * The support form at `/` (German) and `/en/` (English). Without JavaScript it is a plain
 * form POST to `/tickets`; this script turns it into a JSON request, shows the API's field
 * errors next to the fields, and shows the ticket number and status link in place. With
 * JavaScript the customer may also pick files: they are checked here (4 MB each) and sent
 * one by one once the ticket exists, with its access token; the success screen shows each
 * file's outcome below the ticket number.
 */
const FIELDS = ['name', 'email', 'subject', 'description', 'severity'] as const;
const DRAFT_KEY = 'servicedesk.form-draft';

const locale = pageLocale();
const t = translator(locale);
const form = byId('ticket-form', HTMLFormElement);
const summary = byId('form-errors');
const submitButton = byId('submit-ticket', HTMLButtonElement);
const done = byId('submitted');
const filesField = byId('files-field');
const fileInput = byId('files', HTMLInputElement);
const chosen = byId('files-chosen');
const formStatus = byId('form-status');

// The API checks every field and says what is wrong; its answers are shown next to the
// fields (the browser's own bubbles would only say it in the browser's language).
form.noValidate = true;

let idempotencyKey = crypto.randomUUID();
let lastSent = '';

restoreDraft();
// The file field works only with this script (the plain form post takes no files).
filesField.hidden = false;
fileInput.addEventListener('change', () => {
  showChosenFiles();
  const problems = fileProblems(t, locale, [...(fileInput.files ?? [])]);
  markFileField(problems.map((problem) => problem.message));
  if (problems.length) announce(formStatus, problems.map((p) => p.message).join(' '));
});
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
  const files = [...(fileInput.files ?? [])];
  const problems = fileProblems(t, locale, files);
  if (problems.length) {
    // Nothing is sent while a chosen file cannot go: the customer picks again first.
    showFieldErrors(
      form,
      { type: 'about:blank', title: 'Bad files', status: 400, detail: '', errors: problems },
      { summary, heading: t('errors.summary') },
    );
    return;
  }
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
    showDone(ticket, body.email ?? '', files);
  } catch (error) {
    showError(error);
  } finally {
    submitButton.textContent = label;
  }
}

function showError(error: unknown) {
  showCustomerError(t, form, summary, error, { 429: t('errors.throttled') });
}

/** Lists the chosen files with their sizes (the browser's control only says how many). */
function showChosenFiles() {
  const files = [...(fileInput.files ?? [])];
  chosen.hidden = files.length === 0;
  replaceChildren(
    chosen.querySelector('ul') as HTMLElement,
    ...files.map((file) =>
      h(
        'li',
        null,
        h('span', { className: 'file-name' }, file.name),
        h('span', { className: 'meta' }, ` (${formatSize(file.size, locale)})`),
      ),
    ),
  );
}

/**
 * Shows the file field's problems next to it as soon as files are chosen, the way
 * `showFieldErrors` does on submit (without the summary and without moving the focus).
 */
function markFileField(messages: string[]) {
  const id = 'files-error';
  filesField.querySelector(`#${id}`)?.remove();
  const describedBy = (fileInput.getAttribute('aria-describedby') ?? '')
    .split(/\s+/)
    .filter((name) => name && name !== id);
  filesField.classList.toggle('has-error', messages.length > 0);
  if (messages.length === 0) {
    fileInput.removeAttribute('aria-invalid');
    fileInput.setAttribute('aria-describedby', describedBy.join(' '));
    return;
  }
  byId('files-hint').after(h('p', { className: 'field-error', attrs: { id } }, messages.join(' ')));
  fileInput.setAttribute('aria-invalid', 'true');
  fileInput.setAttribute('aria-describedby', [...describedBy, id].join(' '));
}

function showDone(ticket: SubmittedTicket, email: string, files: File[]) {
  const statusUrl =
    `/status.html?ticket=${encodeURIComponent(ticket.ticketId)}` +
    `&token=${encodeURIComponent(ticket.accessToken)}`;
  const heading = h('h2', { attrs: { tabindex: -1 } }, t('done.heading'));
  const again = h('button', { attrs: { type: 'button' } }, t('done.another'));
  again.addEventListener('click', () => {
    form.reset();
    showChosenFiles();
    markFileField([]);
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
    files.length ? uploadSection(ticket, files) : null,
    h('p', null, again),
  );
  form.hidden = true;
  byId('intro').hidden = true;
  done.hidden = false;
  heading.focus();
  announce(formStatus, `${t('done.number')}: ${ticket.ticketId}`);
}

/**
 * The chosen files, sent now with the new ticket's token; each shows its outcome, and a
 * file that failed on the way can be sent again. The ticket number above stays whatever
 * happens here.
 */
function uploadSection(ticket: SubmittedTicket, files: File[]): HTMLElement {
  const uploads = uploadsOf(files);
  const heading = h('h3', { attrs: { id: 'uploads-heading', tabindex: -1 } }, t('done.files'));
  const list = h('div', { attrs: { id: 'uploads' } });
  const progress = h('p', { className: 'message', attrs: { role: 'status', id: 'upload-status' } });
  const send: Send = (path, options) => call(path, { ...options, ticketToken: ticket.accessToken });
  const total = String(uploads.length);
  const render = () => {
    replaceChildren(
      list,
      uploadList(
        uploads,
        { locale, state: (u) => customerUploadState(t, u), retry: t('upload.retry') },
        (upload) => {
          // The button goes away with the new state; the focus stays in the section.
          heading.focus();
          void queue.retry(upload).then(report);
        },
      ),
    );
    const index = uploads.findIndex((u) => u.state === 'uploading');
    if (index >= 0) announce(progress, t('upload.progress', { index: String(index + 1), total }));
  };
  const report = () => {
    const counts = uploadCounts(uploads);
    if (counts.failed === 0) {
      announce(progress, t('upload.allDone', { done: String(counts.done), total }), 'success');
    } else {
      announce(progress, t('upload.someFailed', { failed: String(counts.failed), total }), 'error');
    }
  };
  const queue = uploadQueue(send, ticket.ticketId, uploads, render);
  render();
  void queue.run().then(report);
  return h(
    'section',
    { className: 'uploads', attrs: { 'aria-labelledby': 'uploads-heading' } },
    heading,
    list,
    progress,
  );
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
