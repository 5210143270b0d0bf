import {
  ApiError,
  callRaw,
  type Contact,
  type Customer,
  type CustomerPage,
  type PriceList,
} from '../lib/api';
import type { ServiceLevelPlan } from '../../../functions/domain/service-levels/plan';
import type { ServiceLevelReport } from '../../../functions/domain/service-levels/report';
import { berlinMonth, centsForInput, parseEuroCents } from '../lib/format';
import { announce, busy, byId, h, replaceChildren } from '../lib/dom';
import { clearFieldErrors, showFieldErrors } from '../lib/field-errors';
import { startStaffPage, type StaffPage } from '../lib/staff';

/**
 * Admins and sales: the customers with their mail domains, contacts and service contract;
 * create and edit (`PUT /customers/{customerId}` replaces the whole customer).
 */
const PAGE_SIZE = 50;

let page: StaffPage | undefined;
let customers: Customer[] = [];
let nextCursor: string | null = null;
let services: PriceList['services'] | undefined;
let plans: ServiceLevelPlan[] = [];
let defaultPlanId = 'office-hours';
/** The customer being edited; undefined while creating a new one. */
let editing: Customer | undefined;
let contactCount = 0;

const listMessage = byId('customers-message');
const editor = byId('editor');
const form = byId('customer-form', HTMLFormElement);
const summary = byId('customer-errors');
const editorMessage = byId('editor-message');
const hasContract = byId('has-contract', HTMLInputElement);

byId('refresh-customers', HTMLButtonElement).addEventListener('click', (event) => {
  void busy(event.currentTarget as HTMLButtonElement, () => loadCustomers());
});
byId('customers-more', HTMLButtonElement).addEventListener('click', (event) => {
  void busy(event.currentTarget as HTMLButtonElement, () => loadCustomers(nextCursor));
});
byId('new-customer', HTMLButtonElement).addEventListener('click', () => edit(undefined));
byId('cancel-edit', HTMLButtonElement).addEventListener('click', () => {
  editor.hidden = true;
  byId('customers-heading').focus();
});
byId('add-contact', HTMLButtonElement).addEventListener('click', () => {
  const row = addContactRow();
  row.querySelector('input')?.focus();
});
hasContract.addEventListener('change', syncContractFields);

byId('find-form', HTMLFormElement).addEventListener('submit', (event) => {
  event.preventDefault();
  const id = byId('find-id', HTMLInputElement).value.trim();
  const findForm = event.currentTarget as HTMLFormElement;
  const findSummary = byId('find-errors');
  clearFieldErrors(findForm, findSummary);
  void busy(findForm.querySelector('button') as HTMLButtonElement, async () => {
    try {
      const customer = await api<Customer>(`/customers/${encodeURIComponent(id)}`);
      if (customer) edit(customer);
    } catch (error) {
      if (error instanceof ApiError && error.problem.errors?.length) {
        showFieldErrors(findForm, error.problem, {
          summary: findSummary,
          heading: 'Please check:',
        });
      } else {
        announce(listMessage, `Customer “${id}” could not be opened: ${messageOf(error)}`, 'error');
      }
    }
  });
});

function api<T>(path: string, options: Parameters<StaffPage['call']>[1] = {}) {
  if (!page) throw new ApiError(401, { type: 'about:blank', title: '', status: 401, detail: '' });
  return page.call<T>(path, options);
}

// ---------------------------------------------------------------- list

async function loadCustomers(cursor: string | null = null): Promise<void> {
  try {
    const result = await api<CustomerPage>(
      `/customers?limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    customers = cursor ? [...customers, ...(result?.items ?? [])] : (result?.items ?? []);
    nextCursor = result?.nextCursor ?? null;
    renderCustomers();
    announce(listMessage, customers.length === 0 ? 'There are no customers yet.' : '');
  } catch (error) {
    byId('customers-table').hidden = true;
    announce(listMessage, `The customers could not be loaded: ${messageOf(error)}`, 'error');
  }
}

function renderCustomers(): void {
  byId('customers-table').hidden = customers.length === 0;
  byId('customers-more').hidden = !nextCursor;
  replaceChildren(
    byId('customers-body'),
    ...customers.map((customer) =>
      h(
        'tr',
        { attrs: { 'data-customer-id': customer.customerId } },
        h(
          'th',
          { attrs: { scope: 'row' } },
          customer.name,
          h('br'),
          h('span', { className: 'meta' }, customer.customerId),
        ),
        h('td', null, customer.domains.join(', ') || '—'),
        h('td', { className: 'number' }, String(customer.contacts.length)),
        h('td', null, contractSummary(customer)),
        h(
          'td',
          null,
          h(
            'button',
            {
              attrs: { type: 'button', 'aria-label': `Edit ${customer.name}` },
              on: { click: () => edit(customer) },
            },
            'Edit',
          ),
        ),
      ),
    ),
  );
}

function contractSummary(customer: Customer): string {
  const contract = customer.contract;
  if (!contract) return 'none (standard)';
  return `${contract.id}, ${contract.validFrom} – ${contract.validTo ?? 'open end'}, ${contract.includedMinutesPerMonth} min/month`;
}

async function loadServices(): Promise<void> {
  try {
    services = (await api<PriceList>('/price-list'))?.services;
  } catch {
    services = undefined;
  }
  if (!editor.hidden) renderCodes(selectedCodes());
}

// ---------------------------------------------------------------- editor

function edit(customer: Customer | undefined): void {
  editing = customer;
  clearFieldErrors(form, summary);
  announce(editorMessage, '');
  form.reset();
  byId('editor-heading').textContent = customer ? `Edit ${customer.name}` : 'New customer';
  const idInput = byId('customer-id', HTMLInputElement);
  idInput.value = customer?.customerId ?? '';
  idInput.readOnly = !!customer;
  byId('customer-name', HTMLInputElement).value = customer?.name ?? '';
  byId('customer-domains', HTMLTextAreaElement).value = customer?.domains.join('\n') ?? '';
  replaceChildren(byId('contact-rows'));
  contactCount = 0;
  for (const contact of customer?.contacts ?? []) addContactRow(contact);
  if (!customer?.contacts.length) addContactRow();
  const contract = customer?.contract ?? undefined;
  hasContract.checked = !!contract;
  byId('contract-id', HTMLInputElement).value = contract?.id ?? '';
  byId('contract-from', HTMLInputElement).value = contract?.validFrom ?? '';
  byId('contract-to', HTMLInputElement).value = contract?.validTo ?? '';
  byId('contract-fee', HTMLInputElement).value =
    contract?.monthlyFeeCents === undefined ? '' : centsForInput(contract.monthlyFeeCents);
  byId('contract-minutes', HTMLInputElement).value = contract
    ? String(contract.includedMinutesPerMonth)
    : '';
  renderCodes(contract?.coveredServiceCodes ?? []);
  renderPlanChoice(contract?.serviceLevel);
  syncContractFields();
  editor.hidden = false;
  editor.focus();
}

function addContactRow(contact?: Contact): HTMLElement {
  const index = contactCount++;
  const input = (name: keyof Contact, label: string, type: string, value?: string) => {
    const id = `contact-${index}-${name}`;
    return h(
      'div',
      { className: 'field', attrs: { 'data-field': `contacts.${index}.${name}` } },
      h('label', { attrs: { for: id } }, label),
      h('input', {
        attrs: {
          id,
          name: `contact-${name}`,
          type,
          value: value ?? '',
          autocomplete: 'off',
          spellcheck: 'false',
        },
      }),
    );
  };
  const row = h(
    'div',
    { className: 'contact-row', attrs: { 'data-field': `contacts.${index}` } },
    input('email', `Contact ${index + 1}: e-mail`, 'email', contact?.email),
    input('name', 'Name', 'text', contact?.name),
    input('phone', 'Phone', 'text', contact?.phone),
    // Shown and sent back on every save: a PUT replaces the contacts, so a flag the form
    // did not carry would be dropped and widen the contact's portal to the organisation.
    h(
      'div',
      {
        className: 'checkbox',
        attrs: { 'data-field': `contacts.${index}.ownTicketsOnly` },
      },
      h('input', {
        attrs: {
          id: `contact-${index}-ownTicketsOnly`,
          name: 'contact-ownTicketsOnly',
          type: 'checkbox',
          checked: contact?.ownTicketsOnly === true,
        },
      }),
      h('label', { attrs: { for: `contact-${index}-ownTicketsOnly` } }, 'Portal: own tickets only'),
    ),
  );
  const remove = h(
    'button',
    {
      className: 'danger',
      attrs: { type: 'button', 'aria-label': `Remove contact ${index + 1}` },
    },
    'Remove',
  );
  remove.addEventListener('click', () => {
    row.remove();
    byId('add-contact').focus();
  });
  row.append(remove);
  byId('contact-rows').append(row);
  return row;
}

function syncContractFields(): void {
  const fields = byId('contract-fields');
  fields.hidden = !hasContract.checked;
  for (const control of fields.querySelectorAll<HTMLInputElement | HTMLSelectElement>(
    'input, select',
  )) {
    control.disabled = !hasContract.checked;
  }
}

function selectedCodes(): string[] {
  const text = document.querySelector<HTMLInputElement>('#contract-codes input[type="text"]');
  if (text) return splitList(text.value);
  return [...document.querySelectorAll<HTMLInputElement>('#contract-codes input[type="checkbox"]')]
    .filter((box) => box.checked)
    .map((box) => box.value);
}

function renderCodes(selected: string[]): void {
  const container = byId('contract-codes');
  const hint = byId('codes-hint');
  if (!services) {
    hint.textContent =
      'Service codes from the price list, separated by commas (the price list is not available here).';
    replaceChildren(
      container,
      h('input', {
        attrs: {
          id: 'contract-codes-text',
          type: 'text',
          value: selected.join(', '),
          'aria-label': 'Covered service codes, separated by commas',
          spellcheck: 'false',
        },
      }),
    );
    return;
  }
  hint.textContent = 'Work with these services is free up to the included minutes.';
  const known = new Set(services.map((service) => service.code));
  const all = [
    ...services.map((service) => ({ code: service.code, name: service.name })),
    ...selected
      .filter((code) => !known.has(code))
      .map((code) => ({ code, name: 'not in the price list' })),
  ];
  replaceChildren(
    container,
    ...all.map(({ code, name }) =>
      h(
        'div',
        { className: 'checkbox' },
        h('input', {
          attrs: {
            id: `code-${code}`,
            type: 'checkbox',
            value: code,
            checked: selected.includes(code),
            disabled: !hasContract.checked,
          },
        }),
        h('label', { attrs: { for: `code-${code}` } }, `${code} (${name})`),
      ),
    ),
  );
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const customerId = byId('customer-id', HTMLInputElement).value.trim();
  const body = customerBody();
  clearFieldErrors(form, summary);
  const button = form.querySelector('button[type="submit"]') as HTMLButtonElement;
  void busy(button, async () => {
    try {
      const saved = await api<Customer>(`/customers/${encodeURIComponent(customerId)}`, {
        method: 'PUT',
        json: body,
      });
      if (!saved) return;
      const created = !editing;
      const moved = saved.regroupedTickets ?? 0;
      edit(saved);
      announce(
        editorMessage,
        `Saved ${saved.name} (${created ? 'created' : 'updated'}).` +
          (moved > 0
            ? ` ${moved} waiting ticket${moved === 1 ? '' : 's'} moved to the new group.`
            : ''),
        'success',
      );
      await loadCustomers();
    } catch (error) {
      if (error instanceof ApiError && error.problem.errors?.length) {
        showFieldErrors(form, error.problem, {
          summary,
          heading: 'The customer was not saved:',
          messageOf: (fieldError) => {
            const line = /^body\.domains\.(\d+)$/.exec(fieldError.field)?.[1];
            return line === undefined
              ? fieldError.message
              : `line ${Number(line) + 1}: ${fieldError.message}`;
          },
        });
      } else {
        replaceChildren(summary, h('p', null, `The customer was not saved: ${messageOf(error)}`));
        summary.hidden = false;
        summary.focus();
      }
    }
  });
});

/** The form as the API's customer body; values go as typed, for the API to check. */
function customerBody(): Record<string, unknown> {
  const contacts = [...byId('contact-rows').querySelectorAll('.contact-row')]
    .map((row) => {
      const value = (name: string) =>
        (row.querySelector<HTMLInputElement>(`input[name="contact-${name}"]`)?.value ?? '').trim();
      const ownTicketsOnly =
        row.querySelector<HTMLInputElement>('input[name="contact-ownTicketsOnly"]')?.checked ===
        true;
      return { email: value('email'), name: value('name'), phone: value('phone'), ownTicketsOnly };
    })
    .filter((contact) => contact.email || contact.name || contact.phone)
    .map((contact) => ({
      email: contact.email,
      ...(contact.name ? { name: contact.name } : {}),
      ...(contact.phone ? { phone: contact.phone } : {}),
      ...(contact.ownTicketsOnly ? { ownTicketsOnly: true } : {}),
    }));
  const body: Record<string, unknown> = {
    name: byId('customer-name', HTMLInputElement).value,
    domains: splitList(byId('customer-domains', HTMLTextAreaElement).value),
    contacts,
  };
  if (hasContract.checked) {
    const minutes = byId('contract-minutes', HTMLInputElement).value.trim();
    const validTo = byId('contract-to', HTMLInputElement).value;
    body.contract = {
      id: byId('contract-id', HTMLInputElement).value,
      validFrom: byId('contract-from', HTMLInputElement).value,
      ...(validTo ? { validTo } : {}),
      includedMinutesPerMonth: /^\d+$/.test(minutes) ? Number(minutes) : minutes,
      coveredServiceCodes: selectedCodes(),
      ...feeField(byId('contract-fee', HTMLInputElement).value),
      ...(byId('contract-plan', HTMLSelectElement).value
        ? { serviceLevel: byId('contract-plan', HTMLSelectElement).value }
        : {}),
    };
  } else if (editing?.contract) {
    // Unticking the box ends the contract record: `null` removes it.
    body.contract = null;
  }
  return body;
}

// ---------------------------------------------------------------- service levels

/** The contract's plan: the default (no `serviceLevel`) or one of the plans. */
function renderPlanChoice(selected: string | undefined): void {
  const select = byId('contract-plan', HTMLSelectElement);
  const ids = plans.map((plan) => plan.planId);
  if (selected && !ids.includes(selected)) ids.push(selected);
  replaceChildren(
    select,
    h('option', { attrs: { value: '' } }, `Default plan (${defaultPlanId})`),
    ...ids.map((id) =>
      h(
        'option',
        { attrs: { value: id, selected: id === selected } },
        `${id}: ${plans.find((plan) => plan.planId === id)?.name ?? 'unknown plan'}`,
      ),
    ),
  );
  select.value = selected ?? '';
}

async function loadPlans(): Promise<void> {
  try {
    const result = await api<{ defaultPlanId: string; items: ServiceLevelPlan[] }>(
      '/service-levels',
    );
    plans = result?.items ?? [];
    defaultPlanId = result?.defaultPlanId ?? defaultPlanId;
    renderPlans();
    announce(byId('plans-message'), '');
  } catch (error) {
    announce(byId('plans-message'), `The plans could not be loaded: ${messageOf(error)}`, 'error');
  }
  if (!editor.hidden) renderPlanChoice(byId('contract-plan', HTMLSelectElement).value || undefined);
}

function hoursSummary(plan: ServiceLevelPlan): string {
  return Object.entries(plan.businessHours)
    .filter(([, intervals]) => intervals.length > 0)
    .map(([day, intervals]) => `${day} ${intervals.map(([a, b]) => `${a}–${b}`).join(', ')}`)
    .join('; ');
}

function renderPlans(): void {
  replaceChildren(
    byId('plans-body'),
    ...plans.map((plan) => {
      const edit = h('button', { attrs: { type: 'button' } }, 'Edit');
      edit.addEventListener('click', () => editPlan(plan));
      return h(
        'tr',
        { attrs: { 'data-plan-id': plan.planId } },
        h(
          'th',
          { attrs: { scope: 'row' } },
          plan.name,
          h('br'),
          h(
            'span',
            { className: 'meta' },
            plan.planId + (plan.planId === defaultPlanId ? ' (default)' : ''),
          ),
        ),
        h('td', null, `${hoursSummary(plan)} (${plan.timeZone})`),
        h(
          'td',
          null,
          `${plan.region}${plan.closedDates?.length ? ` + ${plan.closedDates.length} closed days` : ''}`,
        ),
        h(
          'td',
          null,
          Object.entries(plan.targets)
            .map(
              ([severity, t]) => `${severity} ${t.firstResponseMinutes} / ${t.resolutionMinutes}`,
            )
            .join('; '),
        ),
        h('td', null, edit),
      );
    }),
  );
}

const planForm = byId('plan-form', HTMLFormElement);

function editPlan(plan: ServiceLevelPlan | undefined): void {
  clearFieldErrors(planForm, byId('plan-errors'));
  const idInput = byId('plan-id', HTMLInputElement);
  idInput.value = plan?.planId ?? '';
  idInput.readOnly = !!plan;
  const template = plan ?? plans.find((p) => p.planId === defaultPlanId);
  const body = template
    ? {
        name: plan ? template.name : '',
        timeZone: template.timeZone,
        region: template.region,
        businessHours: template.businessHours,
        ...(template.closedDates ? { closedDates: template.closedDates } : {}),
        targets: template.targets,
      }
    : {};
  byId('plan-json', HTMLTextAreaElement).value = JSON.stringify(body, null, 2);
  planForm.hidden = false;
  (plan ? byId('plan-json') : idInput).focus();
}

byId('new-plan', HTMLButtonElement).addEventListener('click', () => editPlan(undefined));
byId('refresh-plans', HTMLButtonElement).addEventListener('click', (event) => {
  void busy(event.currentTarget as HTMLButtonElement, () => loadPlans());
});
byId('cancel-plan', HTMLButtonElement).addEventListener('click', () => {
  planForm.hidden = true;
});

planForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const errors = byId('plan-errors');
  clearFieldErrors(planForm, errors);
  const planId = byId('plan-id', HTMLInputElement).value.trim();
  let body: unknown;
  try {
    body = JSON.parse(byId('plan-json', HTMLTextAreaElement).value) as unknown;
  } catch (error) {
    replaceChildren(errors, h('p', null, `The plan is not valid JSON: ${messageOf(error)}`));
    errors.hidden = false;
    errors.focus();
    return;
  }
  void busy(planForm.querySelector('button[type="submit"]') as HTMLButtonElement, async () => {
    try {
      await api<ServiceLevelPlan>(`/service-levels/${encodeURIComponent(planId)}`, {
        method: 'PUT',
        json: body,
      });
      planForm.hidden = true;
      await loadPlans();
      announce(byId('plans-message'), `Saved plan ${planId}.`, 'success');
    } catch (error) {
      const problem = error instanceof ApiError ? error.problem : undefined;
      // Fields of the JSON cannot be marked in a text box: list them by their path.
      const lines = problem?.errors?.length
        ? problem.errors.map((e) => `${e.field.replace(/^body\./, '')}: ${e.message}`)
        : [messageOf(error)];
      replaceChildren(
        errors,
        h('p', null, 'The plan was not saved:'),
        h('ul', null, ...lines.map((line) => h('li', null, line))),
      );
      errors.hidden = false;
      errors.focus();
    }
  });
});

// ---------------------------------------------------------------- report

const reportForm = byId('report-form', HTMLFormElement);
byId('report-month', HTMLInputElement).value = berlinMonth();

function reportPath(format: 'json' | 'csv'): string {
  const month = byId('report-month', HTMLInputElement).value;
  return `/reports/service-levels?month=${encodeURIComponent(month)}&format=${format}`;
}

function reportError(error: unknown): void {
  const summary = byId('report-errors');
  if (error instanceof ApiError && error.problem.errors?.length) {
    showFieldErrors(reportForm, error.problem, { summary, heading: 'Please check:' });
  } else {
    announce(
      byId('report-message'),
      `The report could not be loaded: ${messageOf(error)}`,
      'error',
    );
  }
}

reportForm.addEventListener('submit', (event) => {
  event.preventDefault();
  clearFieldErrors(reportForm, byId('report-errors'));
  void busy(reportForm.querySelector('button[type="submit"]') as HTMLButtonElement, async () => {
    try {
      const report = await api<ServiceLevelReport>(reportPath('json'));
      if (report) renderReport(report);
    } catch (error) {
      reportError(error);
    }
  });
});

byId('report-csv', HTMLButtonElement).addEventListener('click', (event) => {
  clearFieldErrors(reportForm, byId('report-errors'));
  void busy(event.currentTarget as HTMLButtonElement, async () => {
    const token = page?.session()?.token;
    if (!token) return;
    try {
      const response = await callRaw(reportPath('csv'), {
        token,
        headers: { accept: 'text/csv' },
      });
      const url = URL.createObjectURL(await response.blob());
      const month = byId('report-month', HTMLInputElement).value;
      const link = h('a', {
        attrs: { href: url, download: `service-levels-${month}.csv`, hidden: true },
      });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      reportError(error);
    }
  });
});

// ---------------------------------------------------------------- data protection

const privacyForm = byId('privacy-form', HTMLFormElement);
const privacyEmail = byId('privacy-email', HTMLInputElement);
const privacyMessage = byId('privacy-message');
const eraseConfirm = byId('erase-confirm', HTMLFormElement);
const eraseAgain = byId('erase-again', HTMLInputElement);
const eraseGo = byId('erase-go', HTMLButtonElement);

function privacyError(error: unknown): void {
  const summary = byId('privacy-errors');
  if (error instanceof ApiError && error.problem.errors?.length) {
    showFieldErrors(privacyForm, error.problem, { summary, heading: 'Please check:' });
  } else {
    announce(privacyMessage, `That did not work: ${messageOf(error)}`, 'error');
  }
}

privacyForm.addEventListener('submit', (event) => {
  event.preventDefault();
  clearFieldErrors(privacyForm, byId('privacy-errors'));
  void busy(byId('privacy-export', HTMLButtonElement), async () => {
    const token = page?.session()?.token;
    if (!token) return;
    try {
      const response = await callRaw(
        `/privacy/subjects?email=${encodeURIComponent(privacyEmail.value.trim())}`,
        { token },
      );
      const url = URL.createObjectURL(await response.blob());
      const link = h('a', {
        attrs: { href: url, download: 'personal-data.json', hidden: true },
      });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      announce(privacyMessage, 'The data was downloaded as personal-data.json.', 'success');
    } catch (error) {
      privacyError(error);
    }
  });
});

// The confirmation step: the address typed twice, so a slip never erases someone else.
byId('privacy-erase', HTMLButtonElement).addEventListener('click', () => {
  clearFieldErrors(privacyForm, byId('privacy-errors'));
  const email = privacyEmail.value.trim();
  if (!email) {
    announce(privacyMessage, 'Enter the address whose data is to be erased.', 'error');
    privacyEmail.focus();
    return;
  }
  byId('erase-question').textContent =
    `Erase the personal data of ${email} from every ticket, message, mail and file? ` +
    'This cannot be undone.';
  eraseAgain.value = '';
  eraseGo.disabled = true;
  eraseConfirm.hidden = false;
  eraseAgain.focus();
});

eraseAgain.addEventListener('input', () => {
  eraseGo.disabled =
    eraseAgain.value.trim().toLowerCase() !== privacyEmail.value.trim().toLowerCase();
});

byId('erase-cancel', HTMLButtonElement).addEventListener('click', () => {
  eraseConfirm.hidden = true;
  privacyEmail.focus();
});

eraseConfirm.addEventListener('submit', (event) => {
  event.preventDefault();
  if (eraseGo.disabled) return;
  void busy(eraseGo, async () => {
    try {
      type Report = { tickets: string[]; messages: number; files: number; status?: string };
      const erase = () =>
        api<Report>('/privacy/erasures', {
          method: 'POST',
          json: { email: privacyEmail.value.trim() },
        });
      let report = await erase();
      // A large erasure answers 202 (`running`) after each part: the same request goes on.
      for (let round = 0; report?.status === 'running' && round < 1000; round++) {
        announce(privacyMessage, `Erasing… ${report.tickets.length} ticket(s) so far.`);
        report = await erase();
      }
      eraseConfirm.hidden = true;
      if (!report) return;
      announce(
        privacyMessage,
        report.tickets.length === 0
          ? 'Nothing (more) was stored about this address.'
          : `Erased: ${report.tickets.length} ticket(s) (${report.tickets.join(', ')}), ` +
              `${report.messages} message(s), ${report.files} file(s).`,
        'success',
      );
    } catch (error) {
      eraseConfirm.hidden = true;
      privacyError(error);
    }
  });
});

function renderReport(report: ServiceLevelReport): void {
  const n = (value: number | null) => (value === null ? '—' : String(value));
  replaceChildren(
    byId('report-body'),
    ...report.rows.map((row) =>
      h(
        'tr',
        { attrs: { 'data-customer-id': row.customerId, 'data-plan-id': row.planId } },
        h('th', { attrs: { scope: 'row' } }, row.customerName),
        h('td', null, row.planId),
        h('td', { className: 'number' }, String(row.tickets)),
        h(
          'td',
          { className: 'number' },
          `${row.firstResponsesMet} / ${row.firstResponsesBreached} / ${row.firstResponsesPending}`,
        ),
        h(
          'td',
          { className: 'number' },
          `${row.resolutionsMet} / ${row.resolutionsBreached} / ${row.resolutionsOpen}`,
        ),
        h('td', { className: 'number' }, n(row.medianFirstResponseBusinessMinutes)),
        h('td', { className: 'number' }, n(row.medianWaitingMinutes)),
      ),
    ),
  );
  byId('report-table').hidden = report.rows.length === 0;
  const { contract, standard } = report.waitingTime;
  byId('report-waiting').textContent =
    `Waiting time until an agent took or answered a ticket (median, minutes): contract ${n(contract.medianWaitingMinutes)} ` +
    `(${contract.attended} of ${contract.tickets} tickets), standard ${n(standard.medianWaitingMinutes)} ` +
    `(${standard.attended} of ${standard.tickets} tickets).`;
  announce(
    byId('report-message'),
    report.rows.length === 0
      ? `No contract customers in ${report.month}.`
      : `${report.month}: ${report.rows.length} contract customer rows.`,
    'success',
  );
}

/**
 * A fee as typed: empty is no fee; an amount becomes cents; anything else is sent as typed,
 * so the API names the field.
 */
function feeField(text: string): { monthlyFeeCents?: number | string } {
  if (!text.trim()) return {};
  return { monthlyFeeCents: parseEuroCents(text) ?? text };
}

// ---------------------------------------------------------------- reference contract

interface ReferenceContract {
  monthlyFeeCents: number;
  includedMinutesPerMonth: number;
  coveredServiceCodes: string[];
  updatedAt?: string;
}

const referenceForm = byId('reference-form', HTMLFormElement);

async function loadReference(): Promise<void> {
  try {
    const reference = await api<ReferenceContract>('/reports/reference-contract');
    if (reference) showReference(reference);
  } catch (error) {
    announce(
      byId('reference-message'),
      `The reference contract could not be loaded: ${messageOf(error)}`,
      'error',
    );
  }
}

function showReference(reference: ReferenceContract): void {
  byId('reference-fee', HTMLInputElement).value = centsForInput(reference.monthlyFeeCents);
  byId('reference-minutes', HTMLInputElement).value = String(reference.includedMinutesPerMonth);
  const codes = new Set([
    ...(services ?? []).map((service) => service.code),
    ...reference.coveredServiceCodes,
  ]);
  replaceChildren(
    byId('reference-codes'),
    ...[...codes].map((code) => {
      const id = `reference-code-${code}`;
      const name = services?.find((service) => service.code === code)?.name;
      return h(
        'div',
        { className: 'checkbox' },
        h('input', {
          attrs: {
            id,
            type: 'checkbox',
            value: code,
            checked: reference.coveredServiceCodes.includes(code),
          },
        }),
        h('label', { attrs: { for: id } }, name ? `${code} – ${name}` : code),
      );
    }),
  );
}

referenceForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const errors = byId('reference-errors');
  clearFieldErrors(referenceForm, errors);
  const fee = byId('reference-fee', HTMLInputElement).value;
  const minutes = byId('reference-minutes', HTMLInputElement).value.trim();
  const body = {
    monthlyFeeCents: parseEuroCents(fee) ?? fee,
    includedMinutesPerMonth: /^\d+$/.test(minutes) ? Number(minutes) : minutes,
    coveredServiceCodes: [
      ...document.querySelectorAll<HTMLInputElement>('#reference-codes input:checked'),
    ].map((input) => input.value),
  };
  void busy(referenceForm.querySelector('button[type="submit"]') as HTMLButtonElement, async () => {
    try {
      const stored = await api<ReferenceContract>('/reports/reference-contract', {
        method: 'PUT',
        json: body,
      });
      if (stored) {
        showReference(stored);
        announce(byId('reference-message'), 'Reference contract saved.', 'success');
      }
    } catch (error) {
      if (error instanceof ApiError && error.problem.errors?.length) {
        showFieldErrors(referenceForm, error.problem, {
          summary: errors,
          heading: 'Please check:',
        });
      } else {
        announce(
          byId('reference-message'),
          `The reference contract could not be saved: ${messageOf(error)}`,
          'error',
        );
      }
    }
  });
});

function splitList(text: string): string[] {
  return text
    .split(/[\n,;]+/)
    .map((part) => part.trim())
    .filter(Boolean);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// Last, so that everything above is ready when a restored session signs in at once.
await startStaffPage({
  group: 'admins',
  onSignedIn: (_session, staffPage) => {
    page = staffPage;
    void loadCustomers();
    void loadServices().then(() => loadReference());
    void loadPlans();
  },
  onSignedOut: () => {
    page = undefined;
    editor.hidden = true;
  },
});
