import { describe, expect, it } from 'vitest';
import { htmlToText, nestingDepth } from '../../../functions/adapters/html-text';

describe('htmlToText', () => {
  it('reads a mail as a person sees it: paragraphs, line breaks, entities', () => {
    const html =
      '<html><head><title>Rechnung</title></head><body>' +
      '<p>Guten&nbsp;Tag,<br>die Rechnung für März ist falsch &amp; doppelt.</p>' +
      '<p>Grüße<br>Anna</p></body></html>';
    expect(htmlToText(html)).toBe(
      'Guten Tag,\ndie Rechnung für März ist falsch & doppelt.\n\nGrüße\nAnna',
    );
  });

  it('leaves out styles, scripts, comments (Outlook conditionals) and the head', () => {
    const html =
      '<head><style>p { font-family: Arial; mso-line-height-rule: exactly; }</style></head>' +
      '<body><!--[if mso]><p>nur Outlook</p><![endif]--><style>.x { margin: 0 }</style>' +
      '<p>Text</p><script>alert("x")</script></body>';
    const text = htmlToText(html);
    expect(text).toBe('Text');
  });

  it('keeps headings as written (not upper-cased) and does not wrap long lines', () => {
    const long = 'Wort '.repeat(40).trim();
    expect(htmlToText(`<h1>Störung im Rechenzentrum</h1><p>${long}</p>`)).toBe(
      `Störung im Rechenzentrum\n\n${long}`,
    );
  });

  it('shows layout table cells as lines and list items as a list', () => {
    const html =
      '<table><tr><td>Einestraße 23</td><td>12345 Musterstadt</td></tr></table>' +
      '<ul><li>eins</li><li>zwei</li></ul>';
    expect(htmlToText(html)).toBe('Einestraße 23\n12345 Musterstadt\n * eins\n * zwei');
  });

  it("gives a link's address only when its text is not the address already; no images", () => {
    const html =
      '<p><a href="https://status.example/T-1">Statusseite</a> ' +
      '<a href="https://example.com">https://example.com</a>' +
      '<img src="cid:logo@x" alt="Logo"><img src="https://t.example/pixel.gif"></p>';
    expect(htmlToText(html)).toBe('Statusseite <https://status.example/T-1> https://example.com');
  });

  // No timing assertion: the test's timeout is the bound (quadratic work here takes minutes).
  it('does not convert HTML nested deeper than any real mail', () => {
    expect(htmlToText(`${'<div>'.repeat(20_000)}Text`)).toBe('');
    expect(htmlToText(`${'<div>'.repeat(500)}Text`)).toBe('Text');
  });
});

describe('nestingDepth', () => {
  // No timing assertion: the test's timeout is the bound (the quadratic scan took minutes).
  it('stays linear on tags that never close ("<a<a<a…")', () => {
    expect(nestingDepth('<a'.repeat(500_000))).toBe(0);
  });

  it('counts open elements, not void or implicitly closed ones', () => {
    expect(nestingDepth('<div><p>a<p>b<br><img src=x><span>c</span></div>')).toBe(2);
    expect(nestingDepth('<table><tr><td>1<td>2<tr><td>3</table>')).toBe(1);
    expect(nestingDepth('<b><i><u>x</u></i></b><b>y</b>')).toBe(3);
    expect(nestingDepth('text without tags')).toBe(0);
  });
});
