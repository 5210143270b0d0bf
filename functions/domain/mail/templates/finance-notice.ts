import { formatEuro } from '../../money';
import { html, layout } from '../html';
import type { RenderedMail } from '../rendered-mail';

export interface FinanceNoticeData {
  month: string;
  files: { format: string; bucket: string; key: string }[];
  entries: number;
  amountCents: number;
  /** The finance page, where the export can be downloaded again at any time. */
  financeUrl: string;
}

/** The monthly notice to finance: where the billing export of the past month lies. */
export function renderFinanceNotice(data: FinanceNoticeData): RenderedMail {
  const subject = `Abrechnungsexport ${data.month}: ${data.entries} Positionen, ${formatEuro(data.amountCents, 'de')}`;
  const locations = data.files.map((f) => `${f.format}: s3://${f.bucket}/${f.key}`);
  const text = [
    'Guten Tag,',
    '',
    `der Abrechnungsexport für ${data.month} liegt bereit: ${data.entries} abrechenbare Positionen, zusammen ${formatEuro(data.amountCents, 'de')} netto.`,
    '',
    ...locations,
    '',
    `Jederzeit neu abrufbar: ${data.financeUrl}`,
    '',
    'Ihr Servicedesk',
    '',
  ].join('\n');
  const body = html`<p>Guten Tag,</p>
    <p>
      der Abrechnungsexport für ${data.month} liegt bereit: ${data.entries} abrechenbare Positionen,
      zusammen ${formatEuro(data.amountCents, 'de')} netto.
    </p>
    <ul>
      ${locations.map((l) => html`<li><code>${l}</code></li>`)}
    </ul>
    <p>Jederzeit neu abrufbar: <a href="${data.financeUrl}">${data.financeUrl}</a></p>
    <p>Ihr Servicedesk</p>`;
  return { subject, text, html: layout('de', subject, body) };
}
