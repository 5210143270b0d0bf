import type { FieldError, Problem } from './api';
import { h, replaceChildren } from './dom';

/**
 * Shows the API's field errors (`errors: [{field, message}]` of a problem+json) next to
 * the fields they name, and a summary in a live region. A field `body.contract.validTo`
 * is looked up as the container `[data-field="contract.validTo"]`, then `contract`, …
 * Each error is tied to its control with `aria-describedby` and `aria-invalid`, so a
 * screen reader reads it with the field; the summary (role=alert) announces them at once.
 */
export interface FieldErrorOptions {
  /** Live region (role=alert) above the form. */
  summary: HTMLElement;
  /** Heading of the summary, e.g. "Please check these fields:". */
  heading: string;
  /** The label people know a field by; defaults to its container's label or legend. */
  labelOf?: (container: HTMLElement) => string;
  /** Rewrites the API's message for people (e.g. translates it). */
  messageOf?: (error: FieldError) => string;
}

const ERROR_CLASS = 'field-error';

export function clearFieldErrors(form: HTMLElement, summary?: HTMLElement): void {
  for (const error of form.querySelectorAll(`.${ERROR_CLASS}`)) error.remove();
  for (const control of form.querySelectorAll('[aria-invalid="true"]')) {
    control.removeAttribute('aria-invalid');
    const describedBy = (control.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .filter((id) => id && !id.endsWith('-error'));
    if (describedBy.length) control.setAttribute('aria-describedby', describedBy.join(' '));
    else control.removeAttribute('aria-describedby');
  }
  for (const container of form.querySelectorAll('.has-error')) {
    container.classList.remove('has-error');
  }
  if (summary) {
    summary.hidden = true;
    summary.replaceChildren();
  }
}

/**
 * Shows the problem's errors; resolves the controls that were marked. The first of them
 * gets the focus so a keyboard user lands on what needs fixing.
 */
export function showFieldErrors(
  form: HTMLElement,
  problem: Problem,
  options: FieldErrorOptions,
): HTMLElement[] {
  clearFieldErrors(form, options.summary);
  const marked: HTMLElement[] = [];
  const items: HTMLElement[] = [];
  const messageOf = options.messageOf ?? ((error: FieldError) => error.message);
  for (const error of problem.errors ?? []) {
    const container = containerFor(form, error.field);
    const message = messageOf(error);
    if (!container) {
      items.push(h('li', null, message === error.message ? `${error.field}: ${message}` : message));
      continue;
    }
    container.classList.add('has-error');
    const id = `${container.dataset.field?.replace(/[^\w-]/g, '-') ?? 'field'}-error`;
    let slot = container.querySelector<HTMLElement>(`#${CSS.escape(id)}`);
    if (!slot) {
      slot = h('p', { className: ERROR_CLASS, attrs: { id } });
      const anchor =
        container.querySelector(':scope > .hint') ??
        container.querySelector(':scope > legend, :scope > label');
      if (anchor) anchor.after(slot);
      else container.prepend(slot);
    }
    slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
    const controls = controlsIn(container);
    for (const control of controls) {
      control.setAttribute('aria-invalid', 'true');
      const describedBy = new Set(
        (control.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean),
      );
      describedBy.add(id);
      control.setAttribute('aria-describedby', [...describedBy].join(' '));
    }
    const first = controls[0];
    if (first) marked.push(first);
    const label = options.labelOf?.(container) ?? labelOf(container);
    items.push(
      h(
        'li',
        null,
        first?.id ? h('a', { attrs: { href: `#${first.id}` } }, `${label}: ${message}`) : message,
      ),
    );
  }
  if (items.length === 0) items.push(h('li', null, problem.detail));
  replaceChildren(options.summary, h('p', null, options.heading), h('ul', null, ...items));
  options.summary.hidden = false;
  marked[0]?.focus();
  return marked;
}

function containerFor(form: HTMLElement, field: string): HTMLElement | null {
  const parts = field.split('.');
  if (['body', 'query', 'path', 'header'].includes(parts[0] ?? '')) parts.shift();
  while (parts.length > 0) {
    const found = form.querySelector<HTMLElement>(`[data-field="${CSS.escape(parts.join('.'))}"]`);
    if (found) return found;
    parts.pop();
  }
  return null;
}

function controlsIn(container: HTMLElement): HTMLElement[] {
  const all = [
    ...container.querySelectorAll<HTMLElement>('input:not([type="hidden"]), select, textarea'),
  ];
  // An error on a list (`contacts`) marks the list's own controls, not every nested row.
  const own = all.filter((control) => control.closest('[data-field]') === container);
  return own.length > 0 ? own : all;
}

function labelOf(container: HTMLElement): string {
  const label = container.querySelector(':scope > legend, :scope > label');
  return (label?.textContent ?? container.dataset.field ?? '').replace(/\s+/g, ' ').trim();
}
