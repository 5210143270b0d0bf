import { ApiError, type AgentTicket, type Attachment, type TicketMessage } from '../../lib/api';
import { announce, busy, byId, h, replaceChildren } from '../../lib/dom';
import { clearFieldErrors, showFieldErrors } from '../../lib/field-errors';
import { formatAge, formatDateTime } from '../../lib/format';
import { files, renderFiles, resetUploads } from './files';
import { refreshQueue, renderQueue } from './queue';
import { rememberRecent } from './recent';
import { staffPage, state } from './state';
import { loadTimeline } from './timeline';
import {
  badge,
  businessMinutes,
  fact,
  groupName,
  messageOf,
  RISK_NAMES,
  severityName,
  statusName,
} from './view';
import { renderWorkEntries, resetWorkForm } from './work';

/** The open ticket: facts, conversation, reply, severity and status, claim and release. */

const panel = byId('ticket-panel');
const ticketMessage = byId('ticket-message');
const queueMessage = byId('queue-message');

window.addEventListener('hashchange', openFromHash);

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

/** Opens a ticket through the address (`#T-10001`), so reload and back work. */
export function show(ticketId: string, flash?: string): void {
  state.pendingFlash = flash;
  if (location.hash === `#${ticketId}`) void openTicket(ticketId);
  else location.hash = ticketId;
}

export function openFromHash(): void {
  if (!state.page?.session()) return;
  const id = decodeURIComponent(location.hash.slice(1));
  if (/^T-\d+$/.test(id)) void openTicket(id);
  else if (!id) closeTicket();
}

export async function openTicket(
  ticketId: string,
  options: { focus?: boolean } = {},
): Promise<void> {
  const flash = state.pendingFlash;
  state.pendingFlash = undefined;
  try {
    const loaded = await staffPage().call<AgentTicket>(`/tickets/${encodeURIComponent(ticketId)}`);
    if (!loaded) return;
    const changedTicket = state.ticket?.ticketId !== loaded.ticketId;
    state.ticket = loaded;
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
  resetWorkForm();
  resetUploads();
}

function closeTicket(): void {
  state.ticket = undefined;
  panel.hidden = true;
  renderQueue();
}

byId('close-ticket', HTMLButtonElement).addEventListener('click', () => {
  history.pushState(null, '', location.pathname);
  closeTicket();
  byId('queue-heading').focus();
});
byId('reload-ticket', HTMLButtonElement).addEventListener('click', (event) => {
  if (state.ticket) {
    const id = state.ticket.ticketId;
    void busy(event.currentTarget as HTMLButtonElement, () => openTicket(id));
  }
});

function renderTicket(): void {
  if (!state.ticket) return;
  const t = state.ticket;
  byId('ticket-heading').textContent = `${t.ticketId}`;
  byId('ticket-subject').textContent = t.subject;
  const held = t.status === 'in_progress' || t.status === 'waiting_customer';
  replaceChildren(
    byId('ticket-facts'),
    ...fact('Status', h('span', { className: `badge status-${t.status}` }, statusName(t.status))),
    ...fact('Severity', badge(`severity-${t.severity}`, severityName(t.severity))),
    ...fact('Group', badge(`group-${t.group}`, groupName(t.group))),
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
    ...fact(
      'Assignee',
      t.assignee ? (t.assignee === state.me ? `${t.assignee} (you)` : t.assignee) : '—',
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
  byId('release').hidden = !(held && t.assignee === state.me);
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
  if (!state.ticket) return;
  const id = state.ticket.ticketId;
  void busy(event.currentTarget as HTMLButtonElement, async () => {
    try {
      await staffPage().call(`/tickets/${encodeURIComponent(id)}/release`, { method: 'POST' });
      state.pendingFlash = `${id} is back in the queue at its original place.`;
      await openTicket(id);
      await refreshQueue(true);
    } catch (error) {
      announce(ticketMessage, `Releasing did not work: ${messageOf(error)}`, 'error');
    }
  });
});

byId('change-form', HTMLFormElement).addEventListener('submit', (event) => {
  event.preventDefault();
  if (!state.ticket) return;
  const severity = byId('change-severity', HTMLSelectElement).value;
  const status = byId('change-status', HTMLSelectElement).value;
  const change: Record<string, string> = {};
  if (severity !== state.ticket.severity) change.severity = severity;
  if (status !== state.ticket.status) change.status = status;
  if (Object.keys(change).length === 0) {
    announce(ticketMessage, 'Nothing changed.');
    return;
  }
  const button = (event.currentTarget as HTMLFormElement).querySelector('button');
  void busy(button as HTMLButtonElement, () =>
    changeTicket(
      change,
      `Saved: ${Object.entries(change)
        .map(([k, v]) => `${k} ${k === 'status' ? statusName(v) : severityName(v)}`)
        .join(', ')}.`,
    ),
  );
});

async function changeTicket(change: Record<string, string>, done: string): Promise<void> {
  if (!state.ticket) return;
  const id = state.ticket.ticketId;
  const form = byId('change-form');
  const summary = byId('change-errors');
  clearFieldErrors(form, summary);
  try {
    await staffPage().call(`/tickets/${encodeURIComponent(id)}`, { method: 'PATCH', json: change });
    state.pendingFlash = done;
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
  if (!state.ticket) return;
  const id = state.ticket.ticketId;
  const form = event.currentTarget as HTMLFormElement;
  const summary = byId('reply-errors');
  const textarea = byId('reply-body', HTMLTextAreaElement);
  clearFieldErrors(form, summary);
  void busy(byId('reply-send', HTMLButtonElement), async () => {
    try {
      await staffPage().call(`/tickets/${encodeURIComponent(id)}/messages`, {
        method: 'POST',
        json: { body: textarea.value, internal: replyInternal.checked },
      });
      state.pendingFlash = replyInternal.checked
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
