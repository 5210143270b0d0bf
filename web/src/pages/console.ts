import {
  ApiError,
  type AgentTicket,
  type Attachment,
  type HeldPage,
  type PriceList,
  type QueueItem,
  type QueuePage,
  type ServiceCode,
  type TicketMessage,
  type WorkResult,
  type ClaimReason,
} from '../lib/api';
import {
  customerUploadState,
  downloadAttachment,
  fileList,
  fileProblems,
  readableReason,
  uploadCounts,
  uploadList,
  uploadQueue,
  uploadsOf,
  type Send,
  type Upload,
} from '../lib/attachments';
import { announce, busy, byId, h, replaceChildren } from '../lib/dom';
import { clearFieldErrors, showFieldErrors } from '../lib/field-errors';
import {
  berlinToday,
  estimate,
  formatAge,
  formatDateTime,
  formatEuro,
  UNIT_NAMES,
} from '../lib/format';
import { translator } from '../lib/locale';
import { startStaffPage, type StaffPage } from '../lib/staff';
import { mountMergeAction, type MergeAction } from './merge';

/**
 * The agent console: the queue in priority order (refreshed every few seconds while the
 * page is visible), claim next, and one open ticket with its conversation, files (download,
 * upload; refused mail attachments with the reason), reply, severity and status, release,
 * and work logging priced from the price list.
 */
const PAGE_SIZE = 50;
const REFRESH_MS = 15_000;
const RECENT_KEY = 'servicedesk.console.recent';

const SEVERITY_NAMES: Record<string, string> = {
  critical: 'Critical',
  high: 'High',
  normal: 'Normal',
  low: 'Low',
};
const GROUP_NAMES: Record<string, string> = { contract: 'Contract', standard: 'Standard' };
const STATUS_NAMES: Record<string, string> = {
  open: 'Open (waiting in the queue)',
  in_progress: 'In progress',
  waiting_customer: 'Waiting for the customer',
  resolved: 'Resolved',
  closed: 'Closed',
};

let page: StaffPage;
let me = '';
let queue: QueueItem[] = [];
let nextCursor: string | null = null;
let refreshing: Promise<void> | undefined;
let refreshTimer: ReturnType<typeof setInterval> | undefined;
let ticket: AgentTicket | undefined;
let priceList: PriceList | 'unavailable' | undefined;
let mergeAction: MergeAction | undefined;

const queueBody = byId('queue-body');
const queueMessage = byId('queue-message');
const panel = byId('ticket-panel');
const ticketMessage = byId('ticket-message');

document.addEventListener('visibilitychange', () => {
  if (!document.hidden && page.session()) void refreshQueue();
});
window.addEventListener('hashchange', openFromHash);

byId('refresh-queue', HTMLButtonElement).addEventListener('click', (event) => {
  void busy(event.currentTarget as HTMLButtonElement, () => refreshQueue());
});
byId('queue-more', HTMLButtonElement).addEventListener('click', (event) => {
  void busy(event.currentTarget as HTMLButtonElement, () => loadMore());
});
byId('claim-next', HTMLButtonElement).addEventListener('click', (event) => {
  void busy(event.currentTarget as HTMLButtonElement, () => claimNext());
});
byId('open-form', HTMLFormElement).addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.currentTarget as HTMLFormElement;
  const summary = byId('open-errors');
  clearFieldErrors(form, summary);
  const id = String(new FormData(form).get('ticketId') ?? '')
    .trim()
    .toUpperCase();
  if (!/^T-\d+$/.test(id)) {
    showFieldErrors(
      form,
      {
        type: 'about:blank',
        title: 'Invalid ticket number',
        status: 400,
        detail: 'A ticket number looks like T-10001.',
        errors: [{ field: 'ticketId', message: 'must be a ticket number like T-10001' }],
      },
      { summary, heading: 'Please check:' },
    );
    return;
  }
  show(id);
});

// ---------------------------------------------------------------- queue

/**
 * Reloads the queue and my tickets. Concurrent calls share one reload; after a change of
 * this agent's (`afterChange`), a reload that started before it is followed by a new one.
 */
async function refreshQueue(afterChange = false): Promise<void> {
  if (refreshing && !afterChange) return refreshing;
  if (refreshing) await refreshing;
  refreshing = (async () => {
    const wanted = Math.max(queue.length, PAGE_SIZE);
    const items: QueueItem[] = [];
    let cursor: string | null = null;
    try {
      do {
        const result: QueuePage | undefined = await page.call<QueuePage>(
          `/queue?limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        items.push(...(result?.items ?? []));
        cursor = result?.nextCursor ?? null;
      } while (cursor && items.length < wanted);
      queue = items;
      nextCursor = cursor;
      renderQueue();
      await refreshMine();
      byId('queue-updated').textContent = `Updated ${new Date().toLocaleTimeString('en-GB')}.`;
      if (queueMessage.dataset.kind === 'error') announce(queueMessage, '');
    } catch (error) {
      announce(queueMessage, `The queue could not be loaded: ${messageOf(error)}`, 'error');
    }
  })();
  try {
    await refreshing;
  } finally {
    refreshing = undefined;
  }
}

async function loadMore(): Promise<void> {
  if (!nextCursor) return;
  try {
    const result = await page.call<QueuePage>(
      `/queue?limit=${PAGE_SIZE}&cursor=${encodeURIComponent(nextCursor)}`,
    );
    queue.push(...(result?.items ?? []));
    nextCursor = result?.nextCursor ?? null;
    renderQueue();
  } catch (error) {
    announce(queueMessage, `More could not be loaded: ${messageOf(error)}`, 'error');
  }
}

const RISK_NAMES: Record<string, string> = {
  ok: 'on time',
  'at-risk': 'at risk',
  breached: 'breached',
};

/** The SLA cell of a queue row: the first-response due time, highlighted when at risk. */
function dueCell(item: QueueItem): (Node | string)[] {
  if (!item.sla) return ['—'];
  const due =
    item.sla.firstResponse === 'pending' || item.sla.firstResponse === 'breached'
      ? item.sla.firstResponseDue
      : item.sla.resolutionDue;
  return [
    h('time', { attrs: { datetime: due } }, formatDateTime(due)),
    ...(item.slaRisk && item.slaRisk !== 'ok'
      ? [' ', badge(`sla-${item.slaRisk}`, RISK_NAMES[item.slaRisk] ?? item.slaRisk)]
      : []),
  ];
}

/** Business minutes as people read them: `45 min`, `3 h 5 min`, `overdue 20 min`. */
function businessMinutes(minutes: number | null): string {
  if (minutes === null) return '';
  const abs = Math.abs(minutes);
  const text = abs < 60 ? `${abs} min` : `${Math.floor(abs / 60)} h ${abs % 60} min`;
  return minutes < 0 ? `overdue by ${text} of business time` : `${text} of business time left`;
}

function renderQueue(): void {
  const focused =
    document.activeElement?.closest<HTMLElement>('[data-ticket-id]')?.dataset.ticketId;
  const now = Date.now();
  replaceChildren(
    queueBody,
    ...queue.map((item, index) =>
      h(
        'tr',
        {
          attrs: {
            'data-ticket-id': item.ticketId,
            'aria-current': item.ticketId === ticket?.ticketId ? 'true' : undefined,
          },
        },
        h('td', { className: 'number' }, String(index + 1)),
        h(
          'td',
          { className: 'nowrap' },
          h(
            'a',
            { attrs: { href: `#${item.ticketId}`, 'data-ticket-id': item.ticketId } },
            item.ticketId,
          ),
        ),
        h('td', null, badge(`group-${item.group}`, GROUP_NAMES[item.group] ?? item.group)),
        h(
          'td',
          null,
          badge(`severity-${item.severity}`, SEVERITY_NAMES[item.severity] ?? item.severity),
        ),
        h(
          'td',
          null,
          h(
            'time',
            {
              attrs: {
                datetime: item.receivedAt,
                title: `Received ${formatDateTime(item.receivedAt)}`,
              },
            },
            formatAge(item.receivedAt, now),
          ),
        ),
        h('td', { className: 'nowrap' }, ...dueCell(item)),
        h('td', null, ...customerCell(item)),
        h('td', { className: 'subject', attrs: { title: item.subject } }, item.subject),
      ),
    ),
  );
  byId('queue-empty').hidden = queue.length > 0;
  byId('queue-more').hidden = !nextCursor;
  byId('queue-count').textContent =
    queue.length === 0
      ? ''
      : `${queue.length}${nextCursor ? '+' : ''} waiting ticket${queue.length === 1 ? '' : 's'}.`;
  if (focused) {
    queueBody.querySelector<HTMLElement>(`a[data-ticket-id="${CSS.escape(focused)}"]`)?.focus();
  }
}

function customerCell(item: QueueItem): (Node | string)[] {
  // The group follows the address; an unproven one is marked so agents can weigh it.
  const unverified =
    item.requesterVerified === false
      ? [' ', badge('unverified', 'unverified', 'The requester has not proven this address theirs')]
      : [];
  if (item.customer.id) return [item.customer.name, ...unverified];
  return [
    h('span', { attrs: { title: item.requester?.email ?? '' } }, item.customer.name),
    ...unverified,
    h('br'),
    h('span', { className: 'meta' }, 'no customer record'),
  ];
}

async function claimNext(): Promise<void> {
  try {
    const claimed = await page.call<AgentTicket & { claimReason?: ClaimReason }>('/queue/claim', {
      method: 'POST',
    });
    if (!claimed) {
      announce(queueMessage, 'Nothing is waiting in the queue.');
    } else {
      const why = claimed.claimReason ? ` ${claimReasonText(claimed.claimReason)}` : '';
      announce(queueMessage, `You claimed ${claimed.ticketId}.${why}`, 'success');
      show(claimed.ticketId, `You claimed ${claimed.ticketId}: it is in progress for you.${why}`);
    }
  } catch (error) {
    announce(queueMessage, `Claiming did not work: ${messageOf(error)}`, 'error');
  }
  await refreshQueue(true);
}

/** Why the claimed ticket was next, in one sentence (the claim's audit trail). */
function claimReasonText(reason: ClaimReason): string {
  return (
    `Next because: ${GROUP_NAMES[reason.group] ?? reason.group}, ` +
    `${SEVERITY_NAMES[reason.severity] ?? reason.severity}, waited ${reason.waitedMinutes} min; ` +
    `taken ahead of ${reason.ahead.contract} contract and ${reason.ahead.standard} standard tickets still waiting.`
  );
}

// ---------------------------------------------------------------- ticket

/** Opens a ticket through the address (`#T-10001`), so reload and back work. */
function show(ticketId: string, flash?: string): void {
  pendingFlash = flash;
  if (location.hash === `#${ticketId}`) void openTicket(ticketId);
  else location.hash = ticketId;
}

let pendingFlash: string | undefined;

function openFromHash(): void {
  if (!page?.session()) return;
  const id = decodeURIComponent(location.hash.slice(1));
  if (/^T-\d+$/.test(id)) void openTicket(id);
  else if (!id) closeTicket();
}

async function openTicket(ticketId: string, options: { focus?: boolean } = {}): Promise<void> {
  const flash = pendingFlash;
  pendingFlash = undefined;
  try {
    const loaded = await page.call<AgentTicket>(`/tickets/${encodeURIComponent(ticketId)}`);
    if (!loaded) return;
    const changedTicket = ticket?.ticketId !== loaded.ticketId;
    ticket = loaded;
    if (changedTicket) resetForms();
    renderTicket();
    void loadTimeline(loaded.ticketId);
    panel.hidden = false;
    announce(ticketMessage, flash ?? '', flash ? 'success' : 'info');
    rememberRecent(loaded);
    if (changedTicket || options.focus) panel.focus();
    renderQueue();
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      announce(queueMessage, `There is no ticket ${ticketId}.`, 'error');
    } else {
      announce(queueMessage, `${ticketId} could not be opened: ${messageOf(error)}`, 'error');
    }
  }
}

/** A newly opened ticket starts with empty forms: nothing typed for another one carries over. */
function resetForms(): void {
  for (const id of ['reply-form', 'work-form', 'change-form', 'upload-form']) {
    const form = byId(id, HTMLFormElement);
    clearFieldErrors(form, form.querySelector<HTMLElement>('.error-summary') ?? undefined);
  }
  byId('reply-body', HTMLTextAreaElement).value = '';
  replyInternal.checked = false;
  byId('reply-send').textContent = 'Send reply to customer';
  workMinutes.value = '';
  byId('work-description', HTMLInputElement).value = '';
  announce(byId('work-result'), '');
  updateEstimate();
  uploadInput.value = '';
  uploads = [];
  uploading = undefined;
  renderUploads();
  announce(uploadStatus, '');
}

function closeTicket(): void {
  ticket = undefined;
  panel.hidden = true;
  renderQueue();
}

byId('close-ticket', HTMLButtonElement).addEventListener('click', () => {
  history.pushState(null, '', location.pathname);
  closeTicket();
  byId('queue-heading').focus();
});
byId('reload-ticket', HTMLButtonElement).addEventListener('click', (event) => {
  if (ticket) {
    const id = ticket.ticketId;
    void busy(event.currentTarget as HTMLButtonElement, () => openTicket(id));
  }
});

function renderTicket(): void {
  if (!ticket) return;
  const t = ticket;
  byId('ticket-heading').textContent = `${t.ticketId}`;
  byId('ticket-subject').textContent = t.subject;
  const held = t.status === 'in_progress' || t.status === 'waiting_customer';
  replaceChildren(
    byId('ticket-facts'),
    ...fact(
      'Status',
      h('span', { className: `badge status-${t.status}` }, STATUS_NAMES[t.status] ?? t.status),
    ),
    ...fact('Severity', badge(`severity-${t.severity}`, SEVERITY_NAMES[t.severity] ?? t.severity)),
    ...fact('Group', badge(`group-${t.group}`, GROUP_NAMES[t.group] ?? t.group)),
    ...fact(
      'Customer',
      t.customer.id ? `${t.customer.name} (${t.customer.id})` : 'no customer record',
    ),
    ...fact(
      'Requester',
      t.requester.name,
      t.requester.email
        ? h(
            'span',
            null,
            ' · ',
            h('a', { attrs: { href: `mailto:${t.requester.email}` } }, t.requester.email),
          )
        : '',
      t.requester.phone ? ` · ${t.requester.phone}` : '',
      t.requester.email
        ? t.requesterVerified
          ? ` · verified (${t.requesterVerifiedBy ?? 'address'})`
          : h(
              'span',
              null,
              ' ',
              badge(
                'unverified',
                'unverified address',
                'Not proven theirs: anyone can type an address',
              ),
            )
        : '',
    ),
    ...(t.relatedTicketId ? fact('Refers to', t.relatedTicketId) : []),
    ...(t.mergedInto ? fact('Merged into', `${t.mergedInto.ticketId} by ${t.mergedInto.by}`) : []),
    ...fact(
      'Assignee',
      t.assignee ? (t.assignee === me ? `${t.assignee} (you)` : t.assignee) : '—',
    ),
    ...(t.takenOutOfOrder
      ? fact(
          'Out of order',
          `taken ahead of the queue by ${t.takenOutOfOrder.by}, ${formatDateTime(t.takenOutOfOrder.at)}`,
        )
      : []),
    ...fact(
      'Received',
      `${formatDateTime(t.receivedAt)} (${formatAge(t.receivedAt)} ago) via ${t.channel}, language ${t.locale}`,
    ),
    ...(t.queue
      ? fact(
          'Place in queue',
          h(
            'span',
            { attrs: { id: 'ticket-position' } },
            `${t.queue.position} (ahead: ${t.queue.aheadContract} contract, ` +
              `${t.queue.aheadStandard} standard)`,
          ),
        )
      : []),
    ...slaFacts(t),
  );
  byId('claim-this').hidden = t.status !== 'open';
  byId('release').hidden = !(held && t.assignee === me);
  mergeAction?.show(t);
  byId('change-severity', HTMLSelectElement).value = t.severity;
  byId('change-status', HTMLSelectElement).value = t.status;
  clearFieldErrors(byId('change-form'), byId('change-errors'));

  const conversation: HTMLElement[] = [
    messageItem(
      { kind: 'customer', name: t.requester.name },
      t.description,
      t.receivedAt,
      t.channel,
      false,
      'Original request',
    ),
    ...(t.messages ?? []).map((m: TicketMessage) =>
      messageItem(
        m.author,
        m.body,
        m.createdAt,
        m.channel,
        m.internal,
        m.unverified ? 'unverified sender, by e-mail' : undefined,
        m.attachments,
      ),
    ),
  ];
  replaceChildren(byId('conversation'), ...conversation);
  renderFiles();
  renderWorkEntries();
}

/** A contract ticket's due times, business time left and what is at risk (SPEC §9). */
function slaFacts(t: AgentTicket): HTMLElement[] {
  const sla = t.sla;
  if (!sla) return [];
  const left = t.slaRemaining;
  const state = (s: string) => badge(`sla-${s}`, s);
  return [
    ...fact(
      'First response',
      state(sla.firstResponse),
      ' ',
      sla.firstResponseAt
        ? `answered ${formatDateTime(sla.firstResponseAt)} (due ${formatDateTime(sla.firstResponseDue)})`
        : `due ${formatDateTime(sla.firstResponseDue)}; ${businessMinutes(left?.firstResponseMinutes ?? null)}`,
    ),
    ...fact(
      'Resolution',
      state(sla.resolution),
      ' ',
      sla.resolvedAt
        ? `resolved ${formatDateTime(sla.resolvedAt)} (due ${formatDateTime(sla.resolutionDue)})`
        : sla.resolution === 'paused'
          ? `paused while waiting for the customer (due ${formatDateTime(sla.resolutionDue)} so far)`
          : `due ${formatDateTime(sla.resolutionDue)}; ${businessMinutes(left?.resolutionMinutes ?? null)}`,
    ),
    ...fact(
      'Plan',
      `${sla.planId}${t.slaRisk && t.slaRisk !== 'ok' ? ` — ${RISK_NAMES[t.slaRisk]}` : ''}`,
    ),
  ];
}

function fact(term: string, ...value: (Node | string)[]): HTMLElement[] {
  return [h('dt', null, term), h('dd', null, ...value)];
}

function badge(className: string, text: string, title?: string): HTMLElement {
  return h(
    'span',
    { className: `badge ${className}`, ...(title ? { attrs: { title } } : {}) },
    text,
  );
}

function messageItem(
  author: TicketMessage['author'],
  body: string,
  at: string,
  channel: string,
  internal: boolean,
  label?: string,
  attachments: Attachment[] = [],
): HTMLElement {
  return h(
    'li',
    { className: `message from-${author.kind}${internal ? ' internal' : ''}` },
    h(
      'p',
      { className: 'message-meta' },
      internal ? h('strong', null, 'Internal note · ') : '',
      h('strong', null, author.kind === 'agent' ? `${author.name} (agent)` : author.name),
      ' · ',
      h('time', { attrs: { datetime: at } }, formatDateTime(at)),
      ` · ${label ?? `via ${channel}`}`,
    ),
    h('div', { className: 'message-body' }, body),
    attachments.length ? files(attachments) : null,
  );
}

byId('claim-this', HTMLButtonElement).addEventListener('click', (event) => {
  void busy(event.currentTarget as HTMLButtonElement, () =>
    changeTicket({ status: 'in_progress' }, 'You claimed this ticket.'),
  );
});

byId('release', HTMLButtonElement).addEventListener('click', (event) => {
  if (!ticket) return;
  const id = ticket.ticketId;
  void busy(event.currentTarget as HTMLButtonElement, async () => {
    try {
      await page.call(`/tickets/${encodeURIComponent(id)}/release`, { method: 'POST' });
      pendingFlash = `${id} is back in the queue at its original place.`;
      await openTicket(id);
      await refreshQueue(true);
    } catch (error) {
      announce(ticketMessage, `Releasing did not work: ${messageOf(error)}`, 'error');
    }
  });
});

byId('change-form', HTMLFormElement).addEventListener('submit', (event) => {
  event.preventDefault();
  if (!ticket) return;
  const severity = byId('change-severity', HTMLSelectElement).value;
  const status = byId('change-status', HTMLSelectElement).value;
  const change: Record<string, string> = {};
  if (severity !== ticket.severity) change.severity = severity;
  if (status !== ticket.status) change.status = status;
  if (Object.keys(change).length === 0) {
    announce(ticketMessage, 'Nothing changed.');
    return;
  }
  const button = (event.currentTarget as HTMLFormElement).querySelector('button');
  void busy(button as HTMLButtonElement, () =>
    changeTicket(
      change,
      `Saved: ${Object.entries(change)
        .map(([k, v]) => `${k} ${(k === 'status' ? STATUS_NAMES : SEVERITY_NAMES)[v] ?? v}`)
        .join(', ')}.`,
    ),
  );
});

async function changeTicket(change: Record<string, string>, done: string): Promise<void> {
  if (!ticket) return;
  const id = ticket.ticketId;
  const form = byId('change-form');
  const summary = byId('change-errors');
  clearFieldErrors(form, summary);
  try {
    await page.call(`/tickets/${encodeURIComponent(id)}`, { method: 'PATCH', json: change });
    pendingFlash = done;
    await openTicket(id);
    await refreshQueue(true);
  } catch (error) {
    if (error instanceof ApiError && error.problem.errors?.length) {
      showFieldErrors(form, error.problem, { summary, heading: 'The change was refused:' });
    } else {
      announce(ticketMessage, `The change was refused: ${messageOf(error)}`, 'error');
    }
  }
}

const replyInternal = byId('reply-internal', HTMLInputElement);
replyInternal.addEventListener('change', () => {
  byId('reply-send').textContent = replyInternal.checked
    ? 'Add internal note'
    : 'Send reply to customer';
});

byId('reply-form', HTMLFormElement).addEventListener('submit', (event) => {
  event.preventDefault();
  if (!ticket) return;
  const id = ticket.ticketId;
  const form = event.currentTarget as HTMLFormElement;
  const summary = byId('reply-errors');
  const textarea = byId('reply-body', HTMLTextAreaElement);
  clearFieldErrors(form, summary);
  void busy(byId('reply-send', HTMLButtonElement), async () => {
    try {
      await page.call(`/tickets/${encodeURIComponent(id)}/messages`, {
        method: 'POST',
        json: { body: textarea.value, internal: replyInternal.checked },
      });
      pendingFlash = replyInternal.checked
        ? 'Internal note added.'
        : 'Reply sent: it is mailed to the customer.';
      textarea.value = '';
      await openTicket(id);
    } catch (error) {
      if (error instanceof ApiError && error.problem.errors?.length) {
        showFieldErrors(form, error.problem, { summary, heading: 'The reply was refused:' });
      } else {
        replaceChildren(summary, h('p', null, `The reply was refused: ${messageOf(error)}`));
        summary.hidden = false;
        summary.focus();
      }
    }
  });
});

// ---------------------------------------------------------------- files

/** The agent's session does the calls, so a 401 signs the page out as everywhere else. */
const send: Send = (path, options) => page.call(path, options);
const english = translator('en');
const uploadInput = byId('upload-files', HTMLInputElement);
const uploadStatus = byId('upload-status');
let uploads: Upload[] = [];
let uploading: { ticketId: string; queue: ReturnType<typeof uploadQueue> } | undefined;

/** Files as a list: stored ones download on a click, refused ones say why. */
function files(attachments: Attachment[]): HTMLUListElement {
  return fileList(
    attachments,
    {
      locale: 'en',
      download: 'Download',
      rejected: (attachment) => `not stored: ${readableReason(attachment.rejected ?? '')}`,
    },
    (attachment, button) => {
      const id = ticket?.ticketId;
      const key = attachment.key;
      if (!id || !key) return;
      void busy(button, async () => {
        try {
          await downloadAttachment(send, id, key);
        } catch (error) {
          announce(
            ticketMessage,
            `${attachment.filename} could not be downloaded: ${messageOf(error)}`,
            'error',
          );
        }
      });
    },
  );
}

function renderFiles(): void {
  if (!ticket) return;
  const attachments = ticket.attachments ?? [];
  const list = byId('ticket-files');
  list.replaceWith(Object.assign(files(attachments), { id: 'ticket-files' }));
  byId('no-files').hidden = attachments.length > 0;
  // A closed ticket takes no more files (the API answers 409).
  byId('upload-form').hidden = ticket.status === 'closed';
}

function renderUploads(): void {
  replaceChildren(
    byId('uploads'),
    uploads.length
      ? uploadList(
          uploads,
          { locale: 'en', state: (u) => customerUploadState(english, u), retry: 'Try again' },
          (upload) => {
            uploadInput.focus();
            if (uploading) void finishUploads(uploading.ticketId, uploading.queue.retry(upload));
          },
        )
      : null,
  );
  const index = uploads.findIndex((u) => u.state === 'uploading');
  if (index >= 0) announce(uploadStatus, `Sending file ${index + 1} of ${uploads.length}…`);
}

async function finishUploads(id: string, sending: Promise<void>): Promise<void> {
  const batch = uploads;
  await sending;
  // Another ticket was opened meanwhile: its panel has nothing to say about these files.
  if (batch !== uploads) return;
  const { done, failed, total } = uploadCounts(batch);
  announce(
    uploadStatus,
    failed === 0
      ? `${done} of ${total} file${total === 1 ? '' : 's'} attached to ${id}.`
      : `${failed} of ${total} file${total === 1 ? '' : 's'} could not be attached (see the list).`,
    failed === 0 ? 'success' : 'error',
  );
  if (ticket?.ticketId === id) await openTicket(id);
}

byId('upload-form', HTMLFormElement).addEventListener('submit', (event) => {
  event.preventDefault();
  if (!ticket) return;
  const id = ticket.ticketId;
  const form = event.currentTarget as HTMLFormElement;
  const summary = byId('upload-errors');
  clearFieldErrors(form, summary);
  announce(uploadStatus, '');
  const chosen = [...(uploadInput.files ?? [])];
  const problems = chosen.length
    ? fileProblems(english, 'en', chosen)
    : [{ field: 'files', message: 'Choose at least one file.' }];
  if (problems.length) {
    showFieldErrors(
      form,
      { type: 'about:blank', title: 'Bad files', status: 400, detail: '', errors: problems },
      { summary, heading: 'The files were not sent:' },
    );
    return;
  }
  uploads = uploadsOf(chosen);
  uploadInput.value = '';
  const queue = uploadQueue(send, id, uploads, renderUploads);
  uploading = { ticketId: id, queue };
  void busy(byId('upload-send', HTMLButtonElement), () => finishUploads(id, queue.run()));
});

// ---------------------------------------------------------------- work

const workService = byId('work-service', HTMLSelectElement);
const workMinutes = byId('work-minutes', HTMLInputElement);
const workEstimate = byId('work-estimate');

async function loadPriceList(): Promise<void> {
  try {
    priceList = (await page.call<PriceList>('/price-list')) ?? 'unavailable';
  } catch (error) {
    priceList = 'unavailable';
    byId('work-unavailable').textContent =
      error instanceof ApiError && error.missingRoute
        ? 'Logging work is not available yet: this server has no price list (GET /price-list).'
        : `The price list could not be loaded: ${messageOf(error)}`;
  }
  renderWorkForm();
}

function renderWorkForm(): void {
  byId('work-unavailable').hidden = priceList !== 'unavailable';
  byId('work-fields', HTMLFieldSetElement).disabled = !priceList || priceList === 'unavailable';
  if (!priceList || priceList === 'unavailable') return;
  const chosen = workService.value;
  replaceChildren(
    workService,
    h('option', { attrs: { value: '' } }, 'Choose a service…'),
    ...priceList.services.map((service) =>
      h(
        'option',
        { attrs: { value: service.code } },
        `${service.code} — ${service.name} (${formatEuro(service.unitPriceCents, 'en')} ${UNIT_NAMES[service.unit]})`,
      ),
    ),
  );
  workService.value = chosen;
  const date = byId('work-date', HTMLInputElement);
  if (!date.value) date.value = berlinToday();
  updateEstimate();
}

function serviceOf(code: string): ServiceCode | undefined {
  return priceList && priceList !== 'unavailable'
    ? priceList.services.find((service) => service.code === code)
    : undefined;
}

function updateEstimate(): void {
  const service = serviceOf(workService.value);
  const minutes = Number(workMinutes.value);
  if (!service || !Number.isSafeInteger(minutes) || minutes <= 0) {
    workEstimate.textContent = 'Choose a service and enter the minutes to see the price.';
    return;
  }
  const { quantity, amountCents } = estimate(minutes, service);
  workEstimate.textContent =
    `Estimate at list price: ${quantity} × ${formatEuro(service.unitPriceCents, 'en')} = ` +
    `${formatEuro(amountCents, 'en')}. A contract may cover part of it; the logged entry shows the real split.`;
}

let lastWork = { body: '', key: '' };

workService.addEventListener('change', updateEstimate);
workMinutes.addEventListener('input', updateEstimate);

byId('work-form', HTMLFormElement).addEventListener('submit', (event) => {
  event.preventDefault();
  if (!ticket) return;
  const id = ticket.ticketId;
  const form = event.currentTarget as HTMLFormElement;
  const summary = byId('work-errors');
  const result = byId('work-result');
  clearFieldErrors(form, summary);
  const data = new FormData(form);
  const minutesText = String(data.get('minutes') ?? '').trim();
  const date = String(data.get('date') ?? '').trim();
  const body = {
    // Whole minutes go as a number; anything else is sent as typed for the API to name.
    minutes: /^\d+$/.test(minutesText) ? Number(minutesText) : minutesText,
    serviceCode: String(data.get('serviceCode') ?? ''),
    description: String(data.get('description') ?? ''),
    ...(date ? { date } : {}),
  };
  // Sending the same entry again (after an error without an answer) reuses the key, so the
  // API records it once.
  const serialized = JSON.stringify([id, body]);
  if (serialized !== lastWork.body) lastWork = { body: serialized, key: crypto.randomUUID() };
  const button = form.querySelector('button[type="submit"]') as HTMLButtonElement;
  void busy(button, async () => {
    try {
      const logged = await page.call<WorkResult>(`/tickets/${encodeURIComponent(id)}/work`, {
        method: 'POST',
        json: body,
        headers: { 'idempotency-key': lastWork.key },
      });
      lastWork = { body: '', key: '' };
      if (!logged) return;
      workMinutes.value = '';
      byId('work-description', HTMLInputElement).value = '';
      updateEstimate();
      await openTicket(id);
      const service = serviceOf(body.serviceCode);
      announce(
        result,
        `Logged ${body.minutes} min of ${body.serviceCode}: ${logged.coveredMinutes} min covered by the contract, ` +
          `${logged.billableMinutes} min billable → ${logged.quantity} × ` +
          `${service ? formatEuro(service.unitPriceCents, 'en') : '?'} = ${formatEuro(logged.amountCents, 'en')}.`,
        'success',
      );
    } catch (error) {
      if (error instanceof ApiError && error.problem.errors?.length) {
        showFieldErrors(form, error.problem, { summary, heading: 'The work was not logged:' });
      } else if (error instanceof ApiError && error.missingRoute) {
        announce(
          result,
          'Logging work is not available yet on this server (POST /tickets/{ticketId}/work).',
          'error',
        );
      } else {
        announce(result, `The work was not logged: ${messageOf(error)}`, 'error');
      }
    }
  });
});

function renderWorkEntries(): void {
  if (!ticket) return;
  const entries = ticket.workEntries ?? [];
  byId('work-entries').hidden = entries.length === 0;
  replaceChildren(
    byId('work-entries-body'),
    ...entries.map((entry) =>
      h(
        'tr',
        null,
        h('td', { className: 'nowrap' }, entry.date),
        h(
          'td',
          null,
          entry.serviceCode,
          h('br'),
          h('span', { className: 'meta' }, `${entry.agent}: ${entry.description}`),
        ),
        h('td', { className: 'number' }, String(entry.minutes)),
        h('td', { className: 'number' }, String(entry.billableMinutes)),
        h('td', { className: 'number nowrap' }, formatEuro(entry.amountCents, 'en')),
      ),
    ),
  );
}

// ---------------------------------------------------------------- history

/** One change of a ticket as `GET /tickets/{ticketId}/history` lists it. */
interface HistoryRecord {
  at: string;
  actor: string;
  action: string;
  from?: string;
  to?: string;
  ref?: string;
}

const ACTION_NAMES: Record<string, string> = {
  created: 'created',
  claim: 'claimed from the queue',
  take: 'took it',
  'take-out-of-order': 'took it out of queue order',
  release: 'released it to the queue',
  status: 'changed the status',
  assignee: 'changed the assignee',
  severity: 'changed the severity',
  group: 'moved it to another group',
  merge: 'merged it',
  message: 'wrote a message',
  work: 'logged work',
  attachment: 'added a file',
  verified: 'verified the address',
  erasure: 'erased the personal data',
  retention: 'anonymised it (retention period over)',
};

let timeline: HistoryRecord[] = [];
let timelineCursor: string | null = null;

/**
 * The ticket's history as a timeline, oldest first, a page at a time. Loaded after the
 * ticket itself, so a slow history never holds up the conversation.
 */
async function loadTimeline(ticketId: string, more = false): Promise<void> {
  const message = byId('timeline-message');
  try {
    const query = more && timelineCursor ? `&cursor=${encodeURIComponent(timelineCursor)}` : '';
    const loaded = await page.call<{ items: HistoryRecord[]; nextCursor: string | null }>(
      `/tickets/${encodeURIComponent(ticketId)}/history?limit=50${query}`,
    );
    if (!loaded || ticket?.ticketId !== ticketId) return;
    timeline = more ? [...timeline, ...loaded.items] : loaded.items;
    timelineCursor = loaded.nextCursor;
    announce(message, '');
    renderTimeline();
  } catch (error) {
    announce(message, `The history could not be loaded: ${messageOf(error)}`, 'error');
  }
}

function renderTimeline(): void {
  const words = (value: string | undefined) =>
    value === undefined
      ? ''
      : (STATUS_NAMES[value] ?? SEVERITY_NAMES[value] ?? GROUP_NAMES[value] ?? value);
  replaceChildren(
    byId('timeline-list'),
    ...timeline.map((record) =>
      h(
        'li',
        null,
        h(
          'time',
          { className: 'meta nowrap', attrs: { datetime: record.at } },
          formatDateTime(record.at),
        ),
        ' ',
        h('strong', null, record.actor),
        ` ${ACTION_NAMES[record.action] ?? record.action}`,
        record.from !== undefined || record.to !== undefined
          ? `: ${[words(record.from), words(record.to)].filter(Boolean).join(' → ')}`
          : '',
      ),
    ),
  );
  byId('timeline-more', HTMLButtonElement).hidden = timelineCursor === null;
}

byId('timeline-more', HTMLButtonElement).addEventListener('click', (event) => {
  if (ticket) {
    const id = ticket.ticketId;
    void busy(event.currentTarget as HTMLButtonElement, () => loadTimeline(id, true));
  }
});

// ---------------------------------------------------------------- my tickets

/** The tickets this agent holds (in progress, waiting for the customer), newest change first. */
async function refreshMine(): Promise<void> {
  const empty = byId('mine-empty');
  let held: HeldPage | undefined;
  try {
    held = await page.call<HeldPage>(`/tickets?assignee=me&limit=${PAGE_SIZE}`);
  } catch (error) {
    empty.textContent = `Your tickets could not be loaded: ${messageOf(error)}`;
    empty.hidden = false;
    return;
  }
  const items = held?.items ?? [];
  empty.textContent = 'You hold no ticket: claim the next one.';
  empty.hidden = items.length > 0;
  replaceChildren(
    byId('mine-list'),
    ...items.map((item) =>
      h(
        'li',
        null,
        h('a', { attrs: { href: `#${item.ticketId}` } }, item.ticketId),
        ' ',
        badge(`severity-${item.severity}`, SEVERITY_NAMES[item.severity] ?? item.severity),
        ` ${STATUS_NAMES[item.status] ?? item.status}: ${item.subject}`,
        ...(item.sla ? [' · due ', ...dueCell(item)] : []),
      ),
    ),
    ...(held?.nextCursor
      ? [h('li', { className: 'meta' }, `… and more: these are the ${items.length} changed last.`)]
      : []),
  );
}

// ---------------------------------------------------------------- recent

function rememberRecent(t: AgentTicket): void {
  const recent = readRecent().filter((r) => r.ticketId !== t.ticketId);
  recent.unshift({ ticketId: t.ticketId, subject: t.subject });
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify(recent.slice(0, 8)));
  } catch {
    // Not remembered, then.
  }
  renderRecent();
}

function readRecent(): { ticketId: string; subject: string }[] {
  try {
    return JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]') as {
      ticketId: string;
      subject: string;
    }[];
  } catch {
    return [];
  }
}

function renderRecent(): void {
  const recent = readRecent();
  byId('recent').hidden = recent.length === 0;
  replaceChildren(
    byId('recent-list'),
    ...recent.map((r) =>
      h('li', null, h('a', { attrs: { href: `#${r.ticketId}` } }, r.ticketId), ` ${r.subject}`),
    ),
  );
}

function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

// Last, so that everything above is ready when a restored session signs in at once.
await startStaffPage({
  group: 'agents',
  onSignedIn: (session, staffPage) => {
    page = staffPage;
    me = session.name;
    mergeAction ??= mountMergeAction(
      staffPage,
      () => ticket,
      async (sourceId) => {
        await openTicket(sourceId);
        await refreshQueue(true);
      },
    );
    void refreshQueue();
    void loadPriceList();
    clearInterval(refreshTimer);
    refreshTimer = setInterval(() => {
      if (!document.hidden) void refreshQueue();
    }, REFRESH_MS);
    renderRecent();
    openFromHash();
  },
  onSignedOut: () => {
    clearInterval(refreshTimer);
    ticket = undefined;
    panel.hidden = true;
  },
});
