import type {
  ContractReport,
  ContractReportRow,
  UpsellReport,
  UpsellRow,
} from '../../../functions/domain/sales';
import { salesMessages, type SalesKey } from '../i18n/sales';
import { ApiError, callRaw } from '../lib/api';
import { announce, busy, byId, h, replaceChildren } from '../lib/dom';
import { saveResponse } from '../lib/download';
import { clearFieldErrors, showFieldErrors } from '../lib/field-errors';
import { berlinMonth, formatEuro } from '../lib/format';
import { preferredLocale, rememberLocale } from '../lib/locale';
import { startStaffPage, type StaffPage } from '../lib/staff';

/**
 * Sales (SPEC §12): the contract report of a month and the upsell leads of the last N
 * months, as sortable tables with CSV and German-Excel CSV downloads, the leads also as a
 * bar chart (plain SVG, no library). German or English, chosen on the page.
 */
type Locale = 'de' | 'en';
type Format = 'csv' | 'excel';
type Report = 'contracts' | 'upsell';

let locale: Locale = preferredLocale();
let page: StaffPage | undefined;
let contracts: ContractReport | undefined;
let upsell: UpsellReport | undefined;
const message = byId('sales-message');
const contractsForm = byId('contracts-form', HTMLFormElement);
const upsellForm = byId('upsell-form', HTMLFormElement);
const monthInput = byId('contracts-month', HTMLInputElement);
const monthsSelect = byId('upsell-months', HTMLSelectElement);

function t(key: SalesKey, values: Record<string, string | number> = {}): string {
  return salesMessages[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

const euro = (cents: number | null) => (cents === null ? t('none') : formatEuro(cents, locale));
const number = (value: number) => value.toLocaleString(locale === 'de' ? 'de-DE' : 'en-GB');

// ---------------------------------------------------------------- sorting

/** What each table is sorted by; a click on a column's button sorts by it, again reverses. */
const sorting: Record<Report, { key: string; descending: boolean }> = {
  contracts: { key: 'customerName', descending: false },
  upsell: { key: 'rank', descending: false },
};

/** Column values to sort by, per table; text sorts by the page's language. */
const SORT_VALUES: {
  contracts: (row: ContractReportRow, key: string) => string | number | null;
  upsell: (row: UpsellRow, key: string) => string | number | null;
} = {
  contracts: (row, key) =>
    key === 'firstResponsesBreached' || key === 'resolutionsBreached'
      ? row.serviceLevels[key]
      : (row[key as keyof ContractReportRow] as string | number | null),
  upsell: (row, key) =>
    key === 'ticketsTotal' ? row.tickets.total : (row[key as keyof UpsellRow] as string | number),
};

function sorted<T>(rows: T[], report: Report, value: (row: T, key: string) => unknown): T[] {
  const { key, descending } = sorting[report];
  const collator = new Intl.Collator(locale);
  return [...rows].sort((a, b) => {
    const x = value(a, key);
    const y = value(b, key);
    // Empty values (no fee, nothing included) last, whichever way.
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const order =
      typeof x === 'number' && typeof y === 'number'
        ? x - y
        : collator.compare(String(x), String(y));
    return descending ? -order : order;
  });
}

/** Turns each sortable column header into a button, once. */
function makeSortable(report: Report): void {
  for (const th of document.querySelectorAll<HTMLTableCellElement>(
    `#${report}-table th[data-sort]`,
  )) {
    const key = th.dataset.sort as string;
    const button = h('button', {
      className: 'sort',
      attrs: { type: 'button', 'data-i18n': th.dataset.i18n },
      on: {
        click: () => {
          const state = sorting[report];
          sorting[report] = {
            key,
            descending: state.key === key ? !state.descending : defaultDescending(key),
          };
          render(report);
        },
      },
    });
    th.removeAttribute('data-i18n');
    replaceChildren(th, button);
  }
}

/** Money and counts sort largest first at the first click; names and ranks ascending. */
function defaultDescending(key: string): boolean {
  return !['customerName', 'contractId', 'name', 'rank'].includes(key);
}

function markSorted(report: Report): void {
  for (const th of document.querySelectorAll<HTMLTableCellElement>(
    `#${report}-table th[data-sort]`,
  )) {
    const state = sorting[report];
    if (th.dataset.sort === state.key) {
      th.setAttribute('aria-sort', state.descending ? 'descending' : 'ascending');
    } else th.removeAttribute('aria-sort');
    const button = th.querySelector('button');
    if (button) button.title = t('sort', { column: button.textContent ?? '' });
  }
}

// ---------------------------------------------------------------- words

function applyWords(): void {
  document.documentElement.lang = locale;
  for (const element of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n as SalesKey);
  }
  for (const element of document.querySelectorAll<HTMLElement>('[data-i18n-label]')) {
    element.setAttribute('aria-label', t(element.dataset.i18nLabel as SalesKey));
  }
  for (const option of monthsSelect.options) {
    option.textContent = t('upsell.monthsOption', { n: option.value });
  }
  for (const button of document.querySelectorAll<HTMLButtonElement>('#locale-nav [data-locale]')) {
    button.setAttribute('aria-pressed', String(button.dataset.locale === locale));
  }
  document.title = `${t('page.title')} – Servicedesk`;
  render('contracts');
  render('upsell');
}

for (const button of document.querySelectorAll<HTMLButtonElement>('#locale-nav [data-locale]')) {
  button.addEventListener('click', () => {
    locale = button.dataset.locale === 'de' ? 'de' : 'en';
    rememberLocale(locale);
    applyWords();
  });
}

// ---------------------------------------------------------------- the reports

function path(report: Report, format: Format | 'json'): string {
  return report === 'contracts'
    ? `/reports/contracts?month=${encodeURIComponent(monthInput.value.trim())}&format=${format}`
    : `/reports/upsell?months=${encodeURIComponent(monthsSelect.value)}&format=${format}`;
}

/** Fetches a report in a format; problems are shown beside the form, undefined then. */
async function fetchReport(report: Report, format: Format | 'json'): Promise<Response | undefined> {
  const session = page?.session();
  if (!page || !session) return undefined;
  const form = report === 'contracts' ? contractsForm : upsellForm;
  const summary = byId(`${report}-errors`);
  clearFieldErrors(form, summary);
  announce(message, '');
  try {
    return await callRaw(path(report, format), {
      token: session.token,
      headers: { accept: format === 'json' ? 'application/json' : 'text/csv' },
    });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) page.signOut('Please sign in again.');
    else if (error instanceof ApiError && error.problem.errors?.length) {
      showFieldErrors(form, error.problem, { summary, heading: t('error.check') });
    } else {
      const reason = error instanceof Error ? error.message : String(error);
      announce(message, t('error.load', { reason }), 'error');
    }
    return undefined;
  }
}

async function show(report: Report): Promise<void> {
  const response = await fetchReport(report, 'json');
  if (!response) return;
  if (report === 'contracts') {
    contracts = (await response.json()) as ContractReport;
    history.replaceState(null, '', `?month=${encodeURIComponent(contracts.month)}`);
    announce(
      message,
      t('contracts.loaded', { month: contracts.month, n: contracts.rows.length }),
      'success',
    );
  } else {
    upsell = (await response.json()) as UpsellReport;
    announce(message, t('upsell.loaded', { ...period(upsell), n: upsell.rows.length }), 'success');
  }
  render(report);
}

function period(report: UpsellReport): { from: string; to: string } {
  return { from: report.months[0] ?? '', to: report.months[report.months.length - 1] ?? '' };
}

async function download(report: Report, format: Format): Promise<void> {
  const response = await fetchReport(report, format);
  if (!response) return;
  const fallback = `${report}.${format === 'excel' ? 'excel.csv' : 'csv'}`;
  const name = await saveResponse(response, fallback);
  announce(message, t('downloaded', { name }), 'success');
}

function render(report: Report): void {
  markSorted(report);
  if (report === 'contracts') renderContracts();
  else renderUpsell();
}

function renderContracts(): void {
  const table = byId('contracts-table');
  const empty = byId('contracts-empty');
  if (!contracts) return;
  const rows = sorted(contracts.rows, 'contracts', SORT_VALUES.contracts);
  replaceChildren(
    byId('contracts-body'),
    ...rows.map((row) =>
      h(
        'tr',
        { attrs: { 'data-customer-id': row.customerId } },
        h('th', { attrs: { scope: 'row' } }, row.customerName),
        h('td', null, row.contractId),
        h('td', { className: 'number' }, euro(row.monthlyFeeCents)),
        h('td', { className: 'number' }, number(row.includedMinutes)),
        h('td', { className: 'number' }, number(row.usedMinutes)),
        h(
          'td',
          { className: 'number' },
          row.utilisationPercent === null ? t('none') : `${row.utilisationPercent} %`,
        ),
        h('td', { className: 'number' }, euro(row.coveredValueCents)),
        h('td', { className: 'number' }, euro(row.billedCents)),
        h('td', { className: 'number' }, euro(row.valueLessFeeCents)),
        h(
          'td',
          { className: 'number' },
          `${row.serviceLevels.firstResponsesMet} / ${row.serviceLevels.firstResponsesBreached}`,
        ),
        h(
          'td',
          { className: 'number' },
          `${row.serviceLevels.resolutionsMet} / ${row.serviceLevels.resolutionsBreached}`,
        ),
        h('td', null, trendChart(row)),
      ),
    ),
  );
  table.hidden = rows.length === 0;
  empty.hidden = rows.length > 0;
  empty.textContent = t('contracts.empty', { month: contracts.month });
}

function renderUpsell(): void {
  const table = byId('upsell-table');
  const empty = byId('upsell-empty');
  if (!upsell) return;
  const { reference } = upsell;
  byId('upsell-reference').textContent = t('upsell.reference', {
    fee: formatEuro(reference.monthlyFeeCents, locale),
    minutes: number(reference.includedMinutesPerMonth),
    codes: reference.coveredServiceCodes.join(', ') || t('upsell.noCodes'),
  });
  const rows = sorted(upsell.rows, 'upsell', SORT_VALUES.upsell);
  replaceChildren(
    byId('upsell-body'),
    ...rows.map((row) =>
      h(
        'tr',
        { attrs: { 'data-lead': row.customerId ?? row.domain ?? row.name } },
        h('td', { className: 'number' }, String(row.rank)),
        h(
          'th',
          { attrs: { scope: 'row' } },
          row.name,
          row.customerId === null
            ? h('span', { className: 'meta' }, ` (${t('noRecord')})`)
            : h('span', { className: 'meta' }, ` ${row.customerId}`),
        ),
        h('td', { className: 'number' }, euro(row.billedCents)),
        h('td', { className: 'number' }, number(row.entries)),
        h('td', { className: 'number' }, number(row.minutes)),
        h(
          'td',
          { className: 'number' },
          `${row.tickets.critical} / ${row.tickets.high} / ${row.tickets.normal} / ${row.tickets.low}`,
        ),
        h('td', { className: 'number' }, euro(row.referenceCostCents)),
        h(
          'td',
          { className: `number ${row.savingCents > 0 ? 'gain' : 'loss'}` },
          euro(row.savingCents),
        ),
      ),
    ),
  );
  table.hidden = rows.length === 0;
  empty.hidden = rows.length > 0;
  empty.textContent = t('upsell.empty', period(upsell));
  upsellChart(upsell.rows);
}

// ---------------------------------------------------------------- charts (plain SVG)

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  ...children: (Node | string)[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  element.append(...children);
  return element;
}

/** Twelve small bars of used minutes (included minutes as a line), oldest left. */
function trendChart(row: ContractReportRow): SVGSVGElement {
  const width = 96;
  const height = 24;
  const top = Math.max(1, ...row.trend.map((m) => Math.max(m.usedMinutes, m.includedMinutes)));
  const step = width / row.trend.length;
  const label = row.trend
    .map((m) => `${m.month}: ${m.usedMinutes}/${m.includedMinutes}`)
    .join(', ');
  return svg(
    'svg',
    { class: 'trend', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img' },
    svg('title', {}, `${t('col.trend')}: ${label}`),
    ...row.trend.flatMap((m, i) => {
      const used = (m.usedMinutes / top) * height;
      const included = height - (m.includedMinutes / top) * height;
      return [
        svg('rect', {
          x: i * step + 1,
          y: height - used,
          width: step - 2,
          height: used,
          class: m.usedMinutes > m.includedMinutes ? 'bar over' : 'bar',
        }),
        svg('line', {
          x1: i * step,
          x2: (i + 1) * step,
          y1: included,
          y2: included,
          class: 'limit',
        }),
      ];
    }),
  );
}

/** The leads billed most: what they paid beside what the reference contract would have cost. */
function upsellChart(rows: UpsellRow[]): void {
  const figure = byId('upsell-chart');
  const top = rows.slice(0, 10);
  figure.hidden = top.length === 0;
  if (top.length === 0) return;
  byId('upsell-chart-caption').textContent =
    `${t('chart.heading')} — ${t('chart.caption', { n: top.length })}`;
  const labelWidth = 180;
  const barWidth = 360;
  const barHeight = 12;
  const rowHeight = 2 * barHeight + 10;
  const legend = 24;
  const height = legend + top.length * rowHeight;
  const max = Math.max(1, ...top.flatMap((r) => [r.billedCents, r.referenceCostCents]));
  const scale = (cents: number) => Math.max(1, (cents / max) * barWidth);
  const chart = svg(
    'svg',
    {
      width: labelWidth + barWidth + 110,
      height,
      viewBox: `0 0 ${labelWidth + barWidth + 110} ${height}`,
      role: 'img',
      'aria-labelledby': 'upsell-chart-caption',
    },
    svg('rect', { x: 0, y: 4, width: 12, height: 12, class: 'bar billed' }),
    svg('text', { x: 18, y: 14 }, t('chart.billed')),
    svg('rect', { x: 160, y: 4, width: 12, height: 12, class: 'bar reference' }),
    svg('text', { x: 178, y: 14 }, t('chart.reference')),
    ...top.flatMap((row, i) => {
      const y = legend + i * rowHeight;
      const name = row.name.length > 28 ? `${row.name.slice(0, 27)}…` : row.name;
      return [
        svg('text', { x: 0, y: y + barHeight + 4, class: 'label' }, name),
        svg(
          'rect',
          {
            x: labelWidth,
            y,
            width: scale(row.billedCents),
            height: barHeight,
            class: 'bar billed',
          },
          svg('title', {}, `${row.name}: ${t('chart.billed')} ${euro(row.billedCents)}`),
        ),
        svg(
          'text',
          { x: labelWidth + scale(row.billedCents) + 4, y: y + barHeight - 2, class: 'value' },
          euro(row.billedCents),
        ),
        svg(
          'rect',
          {
            x: labelWidth,
            y: y + barHeight,
            width: scale(row.referenceCostCents),
            height: barHeight,
            class: 'bar reference',
          },
          svg('title', {}, `${row.name}: ${t('chart.reference')} ${euro(row.referenceCostCents)}`),
        ),
        svg(
          'text',
          {
            x: labelWidth + scale(row.referenceCostCents) + 4,
            y: y + 2 * barHeight - 2,
            class: 'value',
          },
          euro(row.referenceCostCents),
        ),
      ];
    }),
  );
  replaceChildren(byId('upsell-chart-svg'), chart);
}

// ---------------------------------------------------------------- wiring

const askedMonth = new URLSearchParams(location.search).get('month') ?? '';
monthInput.value = /^\d{4}-\d{2}$/.test(askedMonth) ? askedMonth : berlinMonth();
makeSortable('contracts');
makeSortable('upsell');
applyWords();

for (const [report, form] of [
  ['contracts', contractsForm],
  ['upsell', upsellForm],
] as const) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type="submit"]') as HTMLButtonElement;
    void busy(button, () => show(report));
  });
}
for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-download]')) {
  button.addEventListener('click', () => {
    const report = button.dataset.download as Report;
    const format = button.dataset.format as Format;
    void busy(button, () => download(report, format));
  });
}

// Last, so that everything above is ready when a restored session signs in at once.
await startStaffPage({
  group: 'sales',
  onSignedIn: (_session, staffPage) => {
    page = staffPage;
    void show('contracts');
    void show('upsell');
  },
  onSignedOut: () => {
    page = undefined;
  },
});
