import { ApiError, callRaw, type BillingExport } from '../lib/api';
import { announce, busy, byId, h, replaceChildren } from '../lib/dom';
import { clearFieldErrors, showFieldErrors } from '../lib/field-errors';
import { saveResponse } from '../lib/download';
import { berlinMonth, formatEuro } from '../lib/format';
import { startStaffPage, type StaffPage } from '../lib/staff';

/**
 * Finance: pick a month, see the totals per customer, download the export as CSV, as the
 * German Excel variant, or as JSON (`GET /exports/billing?month=&format=`).
 */
type Format = 'csv' | 'excel' | 'json';

const FILE_NAMES: Record<Format, (month: string) => string> = {
  csv: (month) => `billing-${month}.csv`,
  excel: (month) => `billing-${month}.excel.csv`,
  json: (month) => `billing-${month}.json`,
};
const ACCEPT: Record<Format, string> = {
  csv: 'text/csv',
  excel: 'text/csv',
  json: 'application/json',
};

let page: StaffPage | undefined;
const form = byId('month-form', HTMLFormElement);
const monthInput = byId('month', HTMLInputElement);
const message = byId('finance-message');

monthInput.value = /^\d{4}-\d{2}$/.test(new URLSearchParams(location.search).get('month') ?? '')
  ? (new URLSearchParams(location.search).get('month') as string)
  : berlinMonth(-1);

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const button = form.querySelector('button[type="submit"]') as HTMLButtonElement;
  void busy(button, () => showTotals());
});

for (const button of document.querySelectorAll<HTMLButtonElement>('#downloads button')) {
  button.addEventListener('click', () => {
    const format = button.dataset.format as Format;
    void busy(button, () => download(format));
  });
}

/** The month as typed, checked loosely; the API names anything it refuses. */
function month(): string {
  return monthInput.value.trim();
}

function exportPath(format: Format): string {
  return `/exports/billing?month=${encodeURIComponent(month())}&format=${format}`;
}

async function fetchExport(format: Format): Promise<Response | undefined> {
  if (!page?.session()) return undefined;
  const summary = byId('month-errors');
  clearFieldErrors(form, summary);
  announce(message, '');
  try {
    return await callRaw(exportPath(format), {
      token: page.session()?.token as string,
      headers: { accept: ACCEPT[format] },
    });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) page.signOut('Please sign in again.');
    else if (error instanceof ApiError && error.problem.errors?.length) {
      showFieldErrors(form, error.problem, { summary, heading: 'Please check:' });
    } else {
      announce(
        message,
        `The export could not be loaded: ${error instanceof Error ? error.message : String(error)}`,
        'error',
      );
    }
    return undefined;
  }
}

async function showTotals(): Promise<void> {
  const response = await fetchExport('json');
  history.replaceState(null, '', `?month=${encodeURIComponent(month())}`);
  const table = byId('totals-table');
  const empty = byId('totals-empty');
  if (!response) {
    table.hidden = true;
    return;
  }
  const data = (await response.json()) as BillingExport;
  const totals = [...data.totals].sort((a, b) => a.customerName.localeCompare(b.customerName));
  byId('totals-caption').textContent = `Billable totals per customer, ${data.month}`;
  replaceChildren(
    byId('totals-body'),
    ...totals.map((total) =>
      h(
        'tr',
        { attrs: { 'data-customer-id': total.customerId ?? undefined } },
        h('th', { attrs: { scope: 'row' } }, total.customerName),
        h('td', null, total.customerId ?? '— (no customer record)'),
        h('td', { className: 'number' }, String(total.entries)),
        h('td', { className: 'number' }, formatEuro(total.amountCents, 'en')),
      ),
    ),
  );
  byId('total-entries').textContent = String(totals.reduce((sum, t) => sum + t.entries, 0));
  byId('total-amount').textContent = formatEuro(
    totals.reduce((sum, t) => sum + t.amountCents, 0),
    'en',
  );
  table.hidden = totals.length === 0;
  empty.hidden = totals.length > 0;
  empty.textContent = `No billable work in ${data.month}.`;
  announce(
    message,
    `${data.month}: ${totals.length} customer${totals.length === 1 ? '' : 's'} with billable work.`,
    'success',
  );
}

async function download(format: Format): Promise<void> {
  const response = await fetchExport(format);
  if (!response) return;
  const name = await saveResponse(response, FILE_NAMES[format](month()));
  announce(message, `Downloaded ${name}.`, 'success');
}

// Last, so that everything above is ready when a restored session signs in at once.
await startStaffPage({
  group: 'finance',
  onSignedIn: (_session, staffPage) => {
    page = staffPage;
    void showTotals();
  },
  onSignedOut: () => {
    page = undefined;
  },
});
