import { describe, expect, it } from 'vitest';
import {
  boundaryInUse,
  decodeHeaderBytes,
  withExplicitCharsets,
} from '../../../functions/adapters/mime-charsets';

const latin1 = (text: string) => Buffer.from(text, 'latin1');
const gb2312 = Buffer.from([0xbc, 0xa8, 0xd0, 0xa7]); // 绩效
const crlf = (...lines: (string | Buffer)[]) =>
  Buffer.concat(lines.flatMap((l) => [typeof l === 'string' ? latin1(l) : l, latin1('\r\n')]));

describe('decodeHeaderBytes', () => {
  it('reads bytes in the declared charset first', () => {
    expect(decodeHeaderBytes(gb2312, 'GB2312')).toBe('绩效');
    expect(decodeHeaderBytes(latin1('Ver\u00e3o'), 'iso-8859-1')).toBe('Verão');
  });

  it('prefers valid UTF-8 over a single-byte declared charset (which reads anything)', () => {
    expect(decodeHeaderBytes(Buffer.from('Grüße', 'utf8'), 'iso-8859-1')).toBe('Grüße');
  });

  it('without a usable declared charset: UTF-8, else windows-1252', () => {
    expect(decodeHeaderBytes(Buffer.from('Grüße', 'utf8'))).toBe('Grüße');
    expect(decodeHeaderBytes(latin1('Forma\u00e7\u00e3o'))).toBe('Formação');
    expect(decodeHeaderBytes(Buffer.from([0x80, 0x20, 0x93, 0x61, 0x94]))).toBe('€ “a”');
    expect(decodeHeaderBytes(latin1('Forma\u00e7\u00e3o'), 'no-such-charset')).toBe('Formação');
    expect(decodeHeaderBytes(latin1('Forma\u00e7\u00e3o'), 'utf-8')).toBe('Formação');
  });

  it('falls back when the declared multi-byte charset cannot read the bytes', () => {
    expect(decodeHeaderBytes(latin1('caf\u00e9'), 'iso-2022-jp')).toBe('café');
  });
});

describe('withExplicitCharsets', () => {
  it('returns the very same buffer when no header needs it', () => {
    const raw = crlf('Subject: plain', 'Content-Type: text/plain; charset=utf-8', '', 'Grüße');
    expect(withExplicitCharsets(raw)).toBe(raw);
  });

  it('re-encodes a raw Latin-1 subject as UTF-8 and leaves the body alone', () => {
    const body = latin1('K\u00f6rper bleibt Latin-1');
    const raw = crlf(
      'Subject: Forma\u00e7\u00e3o Ver\u00e3o',
      'Content-Type: text/plain; charset=iso-8859-1',
      '',
      body,
    );
    const out = withExplicitCharsets(raw);
    expect(out.toString('utf8')).toContain('Subject: Formação Verão\r\n');
    expect(out.subarray(out.length - body.length - 2, out.length - 2)).toEqual(body);
  });

  it("reads a part's raw file name in the charset its multipart declares", () => {
    const raw = crlf(
      'Content-Type: multipart/mixed;',
      ' boundary="b1";charset="GB2312"',
      '',
      '--b1',
      'Content-Type: application/octet-stream;',
      Buffer.concat([latin1('\tname="'), gb2312, latin1('.xls"')]),
      '',
      'AAAA',
      '--b1--',
    );
    expect(withExplicitCharsets(raw).toString('utf8')).toContain('\tname="绩效.xls"\r\n');
  });

  it('declares windows-1252 for a text part without charset whose bytes are not UTF-8', () => {
    const raw = crlf(
      'Content-Type: multipart/alternative; boundary="b"',
      '',
      '--b',
      'Content-Type: text/html;',
      'Content-Transfer-Encoding: base64',
      '',
      latin1('<p>Descripci\u00f3n</p>').toString('base64'),
      '--b--',
    );
    expect(withExplicitCharsets(raw).toString('latin1')).toContain(
      'Content-Type: text/html;; charset="windows-1252"\r\nContent-Transfer-Encoding: base64',
    );
  });

  it("uses an HTML part's own <meta> charset, and the multipart's charset for text", () => {
    const html = crlf(
      'Content-Type: text/html',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      '<meta charset=3D"iso-8859-15"><p>=A4 50</p>',
    );
    expect(withExplicitCharsets(html).toString('latin1')).toContain(
      'Content-Type: text/html; charset="iso-8859-15"\r\n',
    );
    const text = crlf(
      'Content-Type: multipart/mixed; boundary=b; charset=gb2312',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      gb2312,
      '--b--',
    );
    expect(withExplicitCharsets(text).toString('latin1')).toContain(
      'Content-Type: text/plain; charset="gb2312"\r\n',
    );
  });

  it('leaves undeclared text parts that are ASCII or UTF-8 as they are', () => {
    const raw = crlf('Content-Type: text/plain', '', Buffer.from('Grüße', 'utf8'));
    expect(withExplicitCharsets(raw)).toBe(raw);
  });
});

describe('boundaryInUse', () => {
  it('finds the boundary the body uses: a -- line followed by a part header', () => {
    const body = crlf(
      'preamble',
      '----=_Used',
      'Content-Type: text/plain',
      '',
      'hi',
      '----=_Other--',
    );
    expect(boundaryInUse(body)).toBe('--=_Used');
  });

  it('ignores dashes that start no part (signatures, rulers)', () => {
    expect(boundaryInUse(crlf('Hallo', '-- ', 'Anna', '----------', 'Text'))).toBeUndefined();
  });
});
