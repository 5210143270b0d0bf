import { isLocale, translate, type Locale, type MessageKey } from '../i18n/messages';
import { ApiError } from './api';
import { h, replaceChildren } from './dom';
import { showFieldErrors } from './field-errors';

/** The customer pages' language: chosen by the customer, remembered in this browser. */

const STORAGE_KEY = 'servicedesk.locale';

/** The language the page was rendered in (`<html lang>`). */
export function pageLocale(): Locale {
  const lang = document.documentElement.lang.slice(0, 2);
  return isLocale(lang) ? lang : 'de';
}

/**
 * The language to show: `?lang=` in the address, else the customer's earlier choice in
 * this browser, else the browser's preferred languages, else German.
 */
export function preferredLocale(search = location.search): Locale {
  const asked = new URLSearchParams(search).get('lang')?.slice(0, 2);
  if (isLocale(asked)) return asked;
  const stored = readStored();
  if (stored) return stored;
  for (const language of navigator.languages ?? []) {
    const short = language.slice(0, 2).toLowerCase();
    if (isLocale(short)) return short;
  }
  return 'de';
}

export function rememberLocale(locale: Locale): void {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Storage may be off (private mode); the choice then lasts only for this page.
  }
}

function readStored(): Locale | undefined {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return isLocale(stored) ? stored : undefined;
  } catch {
    return undefined;
  }
}

export type Translate = (key: MessageKey, values?: Record<string, string>) => string;

export function translator(locale: Locale): Translate {
  return (key, values) => translate(locale, key, values);
}

/**
 * The API's validation messages (zod's, in English) in words for customers, in their
 * language; unknown ones are shown as the API sent them.
 */
export function customerMessage(t: Translate, apiMessage: string): string {
  const max = /(?:<=|at most )(\d+)/.exec(apiMessage)?.[1];
  if (/too big|too long|at most/i.test(apiMessage) && max) return t('fieldError.tooLong', { max });
  if (/must not be empty|received undefined|required/i.test(apiMessage)) {
    return t('fieldError.required');
  }
  if (/e-?mail/i.test(apiMessage)) return t('fieldError.email');
  if (/invalid/i.test(apiMessage)) return t('fieldError.invalid');
  return apiMessage;
}

/**
 * Shows a customer what went wrong with a form they sent: the API's field errors beside
 * the fields (in the page's language), else one sentence in the summary. `byStatus` names
 * what a page says for particular statuses (a closed ticket, too many submissions).
 */
export function showCustomerError(
  t: Translate,
  form: HTMLElement,
  summary: HTMLElement,
  error: unknown,
  byStatus: Partial<Record<number, string>> = {},
): void {
  if (error instanceof ApiError && error.problem.errors?.length) {
    showFieldErrors(form, error.problem, {
      summary,
      heading: t('errors.summary'),
      messageOf: (fieldError) => customerMessage(t, fieldError.message),
    });
    return;
  }
  const status = error instanceof ApiError ? error.status : undefined;
  const text =
    (status !== undefined ? byStatus[status] : undefined) ??
    (status === 0 ? t('errors.network') : t('errors.generic'));
  replaceChildren(summary, h('p', null, text));
  summary.hidden = false;
  summary.focus();
}
