import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { multiLineText, singleLineText } from '../../../functions/domain/plain-text';

const BIDI = [
  '\u202A',
  '\u202B',
  '\u202C',
  '\u202D',
  '\u202E',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200E',
  '\u200F',
  '\u061C',
];

describe('singleLineText', () => {
  it.each(BIDI.map((c) => [c.codePointAt(0)?.toString(16), c]))(
    'strips the bidi control U+%s',
    (_hex, control) => {
      expect(singleLineText(`invoice${control}fdp.exe`)).toBe('invoicefdp.exe');
    },
  );

  it('strips NUL, BEL, ESC, DEL and C1 controls', () => {
    expect(singleLineText('a\u0000b\u0007c\u001b[31md\u007fe\u009bf')).toBe('abc[31mdef');
  });

  it('turns line breaks and tabs into one space and trims', () => {
    expect(singleLineText('  Subject\r\nBcc: x@y\tz\u2028w\u0085v  ')).toBe(
      'Subject Bcc: x@y z w v',
    );
  });

  it('keeps letters of every script, emoji and combining marks', () => {
    const text = 'Müller – שלום עולם – مرحبا – 日本語 – 👩‍💻 – é';
    expect(singleLineText(text)).toBe(text);
  });

  it('leaves no control, bidi control or line break in any text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const line = singleLineText(text);
        expect(line).not.toMatch(
          /[\p{Cc}\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C\u2028\u2029]/u,
        );
        expect(line).toBe(line.trim());
        expect(singleLineText(line)).toBe(line);
      }),
    );
  });
});

describe('multiLineText', () => {
  it('keeps line breaks (as LF) and tabs, strips other controls and bidi', () => {
    expect(multiLineText('a\r\nb\rc\n\td\u202Ee\u0000f\u2029g')).toBe('a\nb\nc\n\tdef\ng');
  });

  it('leaves no control but LF and tab (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const cleaned = multiLineText(text);
        for (const char of cleaned) {
          if (/\p{Cc}/u.test(char)) expect(['\n', '\t']).toContain(char);
        }
        expect(cleaned).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
      }),
    );
  });
});
