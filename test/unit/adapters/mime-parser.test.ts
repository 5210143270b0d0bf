import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseMime } from '../../../functions/adapters/mime-parser';

/** A raw mail from lines (CRLF), with the usual header unless `head` replaces it. */
function mail(body: (string | Buffer)[], head: string[] = []): Buffer {
  const header = [
    'Message-ID: <m1@client.example>',
    'From: Anna Berg <anna@acme.example>',
    'To: support@servicedesk.test',
    'Subject: Drucker',
    'MIME-Version: 1.0',
    ...head,
  ];
  const lines = [...header, ...body].map((l) => (typeof l === 'string' ? Buffer.from(l) : l));
  return Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\r\n')]));
}

const pdf = Buffer.from('%PDF-1.4 fake').toString('base64');

describe('parseMime: text', () => {
  it('turns HTML-only content inside multipart/mixed into text', async () => {
    const parsed = await parseMime(
      mail([
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/html; charset=UTF-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        '<FONT face=3D"arial">Hallo.<br>Jetzt muss ich absagen f=C3=BCr morgen.</FONT>',
        '--b--',
      ]),
    );
    expect(parsed.text).toBe('Hallo.\nJetzt muss ich absagen für morgen.');
  });

  it('turns the HTML of multipart/related (inline image) into text and keeps the image', async () => {
    const parsed = await parseMime(
      mail([
        'Content-Type: multipart/related; boundary="r"',
        '',
        '--r',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<table><tr><td><h2>Alles Gute!</h2><p>Einestraße 23</p><img src="cid:i1"></td></tr></table>',
        '--r',
        'Content-Type: image/jpeg',
        'Content-ID: <i1>',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('jpeg').toString('base64'),
        '--r--',
      ]),
    );
    expect(parsed.text).toBe('Alles Gute!\n\nEinestraße 23');
    expect(parsed.attachments.map((a) => a.filename)).toEqual(['attachment-1.jpg']);
  });

  it('an empty text part beside a full HTML part: the HTML is the text', async () => {
    const parsed = await parseMime(
      mail([
        'Content-Type: multipart/alternative; boundary="a"',
        '',
        '--a',
        'Content-Type: text/plain; charset=utf-8',
        '',
        '   ',
        '--a',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p>some html text</p>',
        '--a--',
      ]),
    );
    expect(parsed.text).toBe('some html text');
  });

  it('the text part wins over the HTML when it has words', async () => {
    const parsed = await parseMime(
      mail([
        'Content-Type: multipart/alternative; boundary="a"',
        '',
        '--a',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Plain words',
        '--a',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p>HTML words</p>',
        '--a--',
      ]),
    );
    expect(parsed.text).toBe('Plain words');
  });

  it('an attachment-only mail has no text: no part headers, no base64', async () => {
    const parsed = await parseMime(
      mail([
        'Content-Type: multipart/mixed; boundary="m"',
        '',
        '--m',
        'Content-Type: application/pdf; name="Lebenslauf.pdf"',
        'Content-Disposition: attachment; filename="Lebenslauf.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        pdf,
        '--m--',
      ]),
    );
    expect(parsed.text).toBe('');
    expect(parsed.attachments).toMatchObject([
      { filename: 'Lebenslauf.pdf', contentType: 'application/pdf' },
    ]);
  });

  it('a mail that is one application/pdf part is an attachment, not text', async () => {
    const parsed = await parseMime(
      mail(
        ['', pdf],
        [
          'Content-Type: application/pdf; name="Bestellung.pdf"',
          'Content-Transfer-Encoding: base64',
        ],
      ),
    );
    expect(parsed.text).toBe('');
    expect(parsed.attachments.map((a) => a.filename)).toEqual(['Bestellung.pdf']);
  });

  it('NUL and other control characters never reach the text, subject or name', async () => {
    const parsed = await parseMime(
      mail([
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Zeile\u0000 eins\u001b[31m\u0007',
        'zwei\tdrei',
      ]),
    );
    expect(parsed.text).toBe('Zeile eins[31m\nzwei\tdrei');
    const hostile = await parseMime(
      Buffer.from(
        'From: =?utf-8?B?' +
          Buffer.from('Eve\u0000\u0085 Evil').toString('base64') +
          '?= <eve@evil.example>\r\nSubject: =?utf-8?Q?a=00b=1Bc?=\r\n\r\nx\r\n',
      ),
    );
    expect(hostile.subject).toBe('abc');
    expect(hostile.from?.name).toBe('Eve Evil');
  });

  it('reads a multipart whose declared boundary never occurs by the boundary it uses', async () => {
    const parsed = await parseMime(
      mail([
        'Content-Type: multipart/mixed; boundary="==DECLARED=="',
        '',
        '--==USED==',
        'Content-Type: text/plain; charset=us-ascii',
        '',
        'jetzt mit Fehlernummer 4712.',
        '--==USED==--',
      ]),
    );
    expect(parsed.text).toBe('jetzt mit Fehlernummer 4712.');
  });

  it('a multipart without any part line keeps its plain words', async () => {
    const parsed = await parseMime(
      mail(['Content-Type: multipart/mixed; boundary="never"', '', 'Nur ein Satz ohne Teile.']),
    );
    expect(parsed.text).toBe('Nur ein Satz ohne Teile.');
  });

  it('reads an undeclared Latin-1 HTML part as windows-1252, not as U+FFFD', async () => {
    const parsed = await parseMime(
      mail([
        'Content-Type: multipart/alternative; boundary="b"',
        '',
        '--b',
        'Content-Type: text/html;',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('<p>Calefacci\u00f3n \u0093ecol\u00f3gica\u0094</p>', 'latin1').toString(
          'base64',
        ),
        '--b--',
      ]),
    );
    expect(parsed.text).toBe('Calefacción “ecológica”');
  });
});

describe('parseMime: headers and names', () => {
  it('reads a raw 8-bit Latin-1 subject as windows-1252', async () => {
    const parsed = await parseMime(
      Buffer.from(
        'From: info@frenetik.example\r\nSubject: Forma\u00e7\u00e3o Final Ver\u00e3o\r\n\r\nTEST\r\n',
        'latin1',
      ),
    );
    expect(parsed.subject).toBe('Formação Final Verão');
  });

  it("names an attachment with a raw GB2312 file name in the multipart's declared charset", async () => {
    const name = Buffer.concat([
      Buffer.from('\tfilename="'),
      Buffer.from([0xbc, 0xa8, 0xd0, 0xa7]),
      Buffer.from('.xls"'),
    ]);
    const parsed = await parseMime(
      mail([
        'Content-Type: multipart/mixed;',
        ' boundary="g";charset="GB2312"',
        '',
        '--g',
        'Content-Type: application/octet-stream',
        'Content-Disposition: attachment;',
        name,
        'Content-Transfer-Encoding: base64',
        '',
        pdf,
        '--g--',
      ]),
    );
    expect(parsed.attachments.map((a) => a.filename)).toEqual(['绩效.xls']);
  });

  it('names a forwarded mail (message/rfc822) by its subject, .eml', async () => {
    const parsed = await parseMime(
      mail([
        'Content-Type: multipart/mixed; boundary="f"',
        '',
        '--f',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Siehe Anhang.',
        '--f',
        'Content-Type: message/rfc822',
        '',
        'From: Monitor <monitor@rz.example>',
        'Subject: =?utf-8?Q?Sicherung_fehlgeschlagen:_KASSE/02?=',
        '',
        'Die Sicherung ist fehlgeschlagen.',
        '--f',
        'Content-Type: message/rfc822',
        '',
        'From: x@y.example',
        '',
        'ohne Betreff',
        '--f--',
      ]),
    );
    expect(parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['Sicherung fehlgeschlagen_ KASSE_02.eml', 'message/rfc822'],
      ['attachment-2.eml', 'message/rfc822'],
    ]);
  });

  it('never guesses an address: spaces inside the angle brackets mean no sender', async () => {
    const parsed = await parseMime(
      Buffer.from(
        'From: "Power Quadrant" <power quadrant system@example.com>\r\nSubject: hi\r\n\r\nx\r\n',
      ),
    );
    expect(parsed.from).toBeUndefined();
  });

  it('keeps ordinary senders, also the old "address (Name)" form', async () => {
    const old = await parseMime(
      Buffer.from('From: marc@example.com (Marc Smith)\r\nSubject: hi\r\n\r\nx\r\n'),
    );
    expect(old.from).toEqual({ address: 'marc@example.com', name: 'Marc Smith' });
    const quoted = await parseMime(
      Buffer.from('From: "Smith, Karoline <Sales>" <k.smith@example.com>\r\n\r\nx\r\n'),
    );
    expect(quoted.from?.address).toBe('k.smith@example.com');
  });
});

describe('parseMime: any input', () => {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\r]/;
  const noControls = (parsed: Awaited<ReturnType<typeof parseMime>>) => {
    expect(parsed.text).not.toMatch(CONTROLS);
    expect(parsed.subject).not.toMatch(CONTROLS);
    expect(parsed.from?.name ?? '').not.toMatch(CONTROLS);
    for (const a of parsed.attachments) expect(a.filename).not.toMatch(CONTROLS);
  };
  const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((b) => Buffer.from(b));
  const charset = fc.constantFrom(
    'utf-8',
    'iso-8859-1',
    'windows-1252',
    'gb2312',
    'shift_jis',
    'iso-2022-jp',
    'utf-16',
    'x-unknown',
    '',
  );
  const type = fc.constantFrom(
    'text/plain',
    'text/html',
    'application/pdf',
    'message/rfc822',
    'image/png',
    'multipart/mixed',
  );
  const encoding = fc.constantFrom('7bit', '8bit', 'base64', 'quoted-printable', 'x-uuencode', '');

  it('never fails and never lets a control character through, whatever the bytes', async () => {
    await fc.assert(
      fc.asyncProperty(bytes(3000), async (raw) => noControls(await parseMime(raw))),
      { numRuns: 150 },
    );
  });

  it('… nor for MIME-shaped mail with raw bytes in headers, parts and bodies', async () => {
    const part = fc.record({ type, charset, encoding, name: bytes(40), body: bytes(400) });
    await fc.assert(
      fc.asyncProperty(
        bytes(60),
        bytes(60),
        charset,
        fc.array(part, { maxLength: 4 }),
        fc.boolean(),
        async (subject, name, topCharset, parts, breakBoundary) => {
          const b = 'b0und';
          const chunks: Buffer[] = [
            Buffer.from('From: "'),
            name,
            Buffer.from('" <anna@acme.example>\r\nSubject: '),
            subject,
            Buffer.from(
              `\r\nContent-Type: multipart/mixed; boundary="${b}"; charset="${topCharset}"\r\n\r\n`,
            ),
          ];
          for (const p of parts) {
            chunks.push(
              Buffer.from(
                `--${breakBoundary ? 'other' : b}\r\nContent-Type: ${p.type}; charset=${p.charset}; name="`,
              ),
              p.name,
              Buffer.from(`"\r\nContent-Transfer-Encoding: ${p.encoding}\r\n\r\n`),
              p.body,
              Buffer.from('\r\n'),
            );
          }
          chunks.push(Buffer.from(`--${b}--\r\n`));
          noControls(await parseMime(Buffer.concat(chunks)));
        },
      ),
      { numRuns: 150 },
    );
  });
});
