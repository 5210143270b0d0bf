import type { Locale } from '../../ticket';
import { html, layout } from '../html';
import type { RenderedMail } from '../rendered-mail';

export interface PortalSignInData {
  /** The sign-in link, with the one-time code as `code=` in its query. */
  signInUrl: string;
  /** How long the link works, in minutes. */
  validMinutes: number;
}

/**
 * The portal's sign-in mail: one link that works once, for a short while. It says what to
 * do when the mail was not asked for (nothing), because anyone can type an address.
 */
export function renderPortalSignIn(data: PortalSignInData, locale: Locale): RenderedMail {
  if (locale === 'en') {
    const subject = 'Your sign-in link for the support portal';
    const text = [
      'Hello,',
      '',
      `here is your sign-in link for the support portal. It works once, for ${data.validMinutes} minutes:`,
      '',
      data.signInUrl,
      '',
      'If you did not ask for it, ignore this mail: nobody can sign in without the link.',
      '',
      'Your support team',
      '',
    ].join('\n');
    const body = html`<p>Hello,</p>
      <p>
        here is your sign-in link for the support portal. It works once, for ${data.validMinutes}
        minutes:
      </p>
      <p><a href="${data.signInUrl}">Sign in to the support portal</a></p>
      <p>If you did not ask for it, ignore this mail: nobody can sign in without the link.</p>
      <p>Your support team</p>`;
    return { subject, text, html: layout('en', subject, body) };
  }
  const subject = 'Ihr Anmeldelink für das Support-Portal';
  const text = [
    'Guten Tag,',
    '',
    `hier ist Ihr Anmeldelink für das Support-Portal. Er gilt einmal und ${data.validMinutes} Minuten lang:`,
    '',
    data.signInUrl,
    '',
    'Wenn Sie ihn nicht angefordert haben, ignorieren Sie diese Mail: ohne den Link kann sich niemand anmelden.',
    '',
    'Ihr Support-Team',
    '',
  ].join('\n');
  const body = html`<p>Guten Tag,</p>
    <p>
      hier ist Ihr Anmeldelink für das Support-Portal. Er gilt einmal und ${data.validMinutes}
      Minuten lang:
    </p>
    <p><a href="${data.signInUrl}">Im Support-Portal anmelden</a></p>
    <p>
      Wenn Sie ihn nicht angefordert haben, ignorieren Sie diese Mail: ohne den Link kann sich
      niemand anmelden.
    </p>
    <p>Ihr Support-Team</p>`;
  return { subject, text, html: layout('de', subject, body) };
}
