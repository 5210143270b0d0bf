import { html, type SafeHtml } from '../domain/mail/html';
import type { Locale } from '../domain/ticket';
import type { Problem } from '../shared/problem';

/**
 * The pages the web form gets when it was posted without JavaScript: the same look as the
 * site (its stylesheet, no inline script or style, so the site's CSP holds).
 */
const TEXT = {
  de: {
    thanks: 'Vielen Dank – Ihre Anfrage ist eingegangen',
    number: 'Ihre Ticketnummer',
    keep: 'Unter diesem Link sehen Sie jederzeit den Stand Ihrer Anfrage. Bewahren Sie ihn auf; Sie erhalten ihn auch per E-Mail:',
    problem: 'Ihre Anfrage konnte nicht angenommen werden',
    fix: 'Bitte gehen Sie zurück und korrigieren Sie:',
    back: 'Zurück zum Formular',
    confirmTitle: 'E-Mail-Adresse bestätigen',
    confirmAsk: (id: string) =>
      `Bitte bestätigen Sie mit einem Klick, dass die Adresse, an die wir die Eingangsbestätigung zu ${id} geschickt haben, Ihnen gehört.`,
    confirmButton: 'Adresse bestätigen',
    confirmedTitle: 'Vielen Dank – Ihre Adresse ist bestätigt',
    confirmedText: (id: string) =>
      `Wir wissen jetzt, dass Nachrichten von dieser Adresse zu ${id} von Ihnen stammen.`,
  },
  en: {
    thanks: 'Thank you – we received your request',
    number: 'Your ticket number',
    keep: 'This link shows the state of your request at any time. Keep it; you will also get it by e-mail:',
    problem: 'Your request could not be accepted',
    fix: 'Please go back and correct:',
    back: 'Back to the form',
    confirmTitle: 'Confirm your e-mail address',
    confirmAsk: (id: string) =>
      `Please confirm with one click that the address we sent the acknowledgement of ${id} to is yours.`,
    confirmButton: 'Confirm my address',
    confirmedTitle: 'Thank you – your address is confirmed',
    confirmedText: (id: string) =>
      `We now know that messages from this address about ${id} come from you.`,
  },
} as const;

export function ticketReceiptPage(
  ticket: { ticketId: string; accessToken: string },
  locale: Locale,
): string {
  const t = TEXT[locale];
  const link = `/status.html?ticket=${encodeURIComponent(ticket.ticketId)}&token=${encodeURIComponent(ticket.accessToken)}${locale === 'en' ? '&lang=en' : ''}`;
  return page(
    locale,
    t.thanks,
    html`<p>${t.number}: <strong>${ticket.ticketId}</strong></p>
      <p>${t.keep}</p>
      <p><a href="${link}">${link}</a></p>`,
  );
}

/**
 * What the confirm link of an acknowledgement opens: a button that posts the code. The link
 * itself changes nothing, since mail scanners fetch every link in a mail; they do not post.
 */
export function confirmAddressPage(ticketId: string, code: string, locale: Locale): string {
  const t = TEXT[locale];
  return page(
    locale,
    t.confirmTitle,
    html`<p>${t.confirmAsk(ticketId)}</p>
      <form method="post" action="/tickets/${encodeURIComponent(ticketId)}/confirm">
        <input type="hidden" name="code" value="${code}" />
        <input type="hidden" name="locale" value="${locale}" />
        <button type="submit">${t.confirmButton}</button>
      </form>`,
  );
}

export function addressConfirmedPage(ticketId: string, locale: Locale): string {
  const t = TEXT[locale];
  return page(locale, t.confirmedTitle, html`<p>${t.confirmedText(ticketId)}</p>`);
}

export function formProblemPage(problem: Problem, locale: Locale): string {
  const t = TEXT[locale];
  const items = problem.errors?.length
    ? problem.errors.map((e) => html`<li>${e.field.replace(/^body\./, '')}: ${e.message}</li>`)
    : [html`<li>${problem.detail}</li>`];
  return page(
    locale,
    t.problem,
    html`<p>${t.fix}</p>
      <ul>
        ${items}
      </ul>
      <p><a href="${locale === 'en' ? '/en/' : '/'}">${t.back}</a></p>`,
  );
}

function page(locale: Locale, title: string, body: SafeHtml): string {
  return html`<!doctype html>
    <html lang="${locale}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <link rel="stylesheet" href="/styles.css" />
      </head>
      <body>
        <header class="site-header">
          <a class="brand" href="${locale === 'en' ? '/en/' : '/'}">Support</a>
        </header>
        <main id="main" class="narrow">
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html> `.value;
}

/** The headers the site's pages carry (web/build.ts), for the pages the API answers. */
export const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'self'; base-uri 'none'; object-src 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** `de` unless the posted form asked for English. */
/** The error page for a form post: the problem in the form's language, as a page. */
export function formErrorPage(
  problem: Problem,
  form: Record<string, string>,
): { headers: Record<string, string>; text: string } {
  return {
    headers: { ...PAGE_HEADERS, 'cache-control': 'no-store' },
    text: formProblemPage(problem, formLocale(form)),
  };
}

export function formLocale(body: unknown): Locale {
  const locale = (body as { locale?: unknown } | undefined)?.locale;
  return typeof locale === 'string' && locale.toLowerCase().startsWith('en') ? 'en' : 'de';
}
