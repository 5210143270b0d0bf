import { describe, expect, it } from 'vitest';
import {
  descriptionOf,
  type InboundAttachment,
  readableText,
  ticketSubjectOf,
} from '../../../functions/domain/mail/inbound-mail';

const file = (filename: string): InboundAttachment => ({
  filename,
  contentType: 'application/pdf',
  size: 3,
  content: new Uint8Array([1, 2, 3]),
});

describe('readableText', () => {
  it('removes NUL, escape and C1 controls; keeps tabs and line breaks', () => {
    expect(readableText('a\u0000b\u001b[1mc\u0085d\u009fe\tf\r\ng\rh')).toBe('ab[1mcde\tf\ng\nh');
  });

  it('keeps every printable character, emoji joiners included', () => {
    const text = 'Grüße 👩‍💻 „Zitat“ – 绩效 €';
    expect(readableText(text)).toBe(text);
  });
});

describe('descriptionOf', () => {
  it('is the text, trimmed', () => {
    expect(descriptionOf({ text: '\n  Hallo\n\n', attachments: [] }, 'de')).toBe('Hallo');
  });

  it('says so when the mail has no text at all', () => {
    expect(descriptionOf({ text: ' \n', attachments: [] }, 'de')).toBe('(kein Text)');
    expect(descriptionOf({ text: '', attachments: [] }, 'en')).toBe('(no text)');
  });

  it('an attachment-only mail names its attachments', () => {
    expect(descriptionOf({ text: '', attachments: [file('Lebenslauf.pdf')] }, 'de')).toBe(
      '(kein Text, nur ein Anhang: Lebenslauf.pdf)',
    );
    expect(
      descriptionOf({ text: '', attachments: [file('a.pdf'), file('b\u0000.pdf')] }, 'en'),
    ).toBe('(no text, only 2 attachments: a.pdf, b.pdf)');
  });

  it('lists at most ten names', () => {
    const many = Array.from({ length: 12 }, (_, i) => file(`scan-${i + 1}.pdf`));
    const description = descriptionOf({ text: '', attachments: many }, 'de');
    expect(description).toMatch(/^\(kein Text, nur 12 Anhänge: scan-1\.pdf, .*scan-10\.pdf, …\)$/);
    expect(description).not.toContain('scan-11');
  });

  it('control characters never reach it', () => {
    expect(descriptionOf({ text: 'Fehler\u0000 4711\u0007', attachments: [] }, 'de')).toBe(
      'Fehler 4711',
    );
  });

  it('cuts very long text with a note', () => {
    const description = descriptionOf({ text: 'x'.repeat(60_000), attachments: [] }, 'en');
    expect(description).toHaveLength(50_000 + '\n\n[… cut, full mail archived]'.length);
    expect(description.endsWith('[… cut, full mail archived]')).toBe(true);
  });
});

describe('ticketSubjectOf', () => {
  it('drops our ticket tag and reply or forward prefixes for a new ticket', () => {
    expect(ticketSubjectOf('AW: WG: [T-10042] Drucker', 'de')).toBe('Drucker');
    expect(ticketSubjectOf('Re: Fwd: Lines', 'en')).toBe('Lines');
  });

  it('keeps the prefixes of a mail written into another ticket’s thread (a linked ticket)', () => {
    expect(ticketSubjectOf('Fwd: Lines', 'en', { keepPrefixes: true })).toBe('Fwd: Lines');
    expect(ticketSubjectOf('Re: [T-10042] VPN drops', 'en', { keepPrefixes: true })).toBe(
      'Re: VPN drops',
    );
  });

  it('names an empty subject in the ticket’s language', () => {
    expect(ticketSubjectOf(' [T-1] ', 'de')).toBe('(kein Betreff)');
    expect(ticketSubjectOf('Re:', 'en')).toBe('(no subject)');
  });
});
