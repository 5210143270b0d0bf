import { ApiError, type PriceList, type ServiceCode, type WorkResult } from '../../lib/api';
import { announce, busy, byId, h, replaceChildren } from '../../lib/dom';
import { clearFieldErrors, showFieldErrors } from '../../lib/field-errors';
import { berlinToday, estimate, formatEuro, UNIT_NAMES } from '../../lib/format';
import { staffPage, state } from './state';
import { openTicket } from './ticket';
import { messageOf } from './view';

/** Logging work on the open ticket, priced from the price list, and its entries. */

const workService = byId('work-service', HTMLSelectElement);
const workMinutes = byId('work-minutes', HTMLInputElement);
const workEstimate = byId('work-estimate');

export async function loadPriceList(): Promise<void> {
  try {
    state.priceList = (await staffPage().call<PriceList>('/price-list')) ?? 'unavailable';
  } catch (error) {
    state.priceList = 'unavailable';
    byId('work-unavailable').textContent =
      `The price list could not be loaded: ${messageOf(error)}`;
  }
  renderWorkForm();
}

function renderWorkForm(): void {
  byId('work-unavailable').hidden = state.priceList !== 'unavailable';
  byId('work-fields', HTMLFieldSetElement).disabled =
    !state.priceList || state.priceList === 'unavailable';
  if (!state.priceList || state.priceList === 'unavailable') return;
  const chosen = workService.value;
  replaceChildren(
    workService,
    h('option', { attrs: { value: '' } }, 'Choose a service…'),
    ...state.priceList.services.map((service) =>
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
  return state.priceList && state.priceList !== 'unavailable'
    ? state.priceList.services.find((service) => service.code === code)
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

workService.addEventListener('change', updateEstimate);
workMinutes.addEventListener('input', updateEstimate);

byId('work-form', HTMLFormElement).addEventListener('submit', (event) => {
  event.preventDefault();
  if (!state.ticket) return;
  const id = state.ticket.ticketId;
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
  if (serialized !== state.lastWork.body)
    state.lastWork = { body: serialized, key: crypto.randomUUID() };
  const button = form.querySelector('button[type="submit"]') as HTMLButtonElement;
  void busy(button, async () => {
    try {
      const logged = await staffPage().call<WorkResult>(`/tickets/${encodeURIComponent(id)}/work`, {
        method: 'POST',
        json: body,
        headers: { 'idempotency-key': state.lastWork.key },
      });
      state.lastWork = { body: '', key: '' };
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
      } else {
        announce(result, `The work was not logged: ${messageOf(error)}`, 'error');
      }
    }
  });
});

export function renderWorkEntries(): void {
  if (!state.ticket) return;
  const entries = state.ticket.workEntries ?? [];
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

/** An empty work form (another ticket was opened). */
export function resetWorkForm(): void {
  workMinutes.value = '';
  byId('work-description', HTMLInputElement).value = '';
  announce(byId('work-result'), '');
  updateEstimate();
}
