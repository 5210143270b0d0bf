import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SafeHtml,
  escapeHtml,
  html,
  layout,
  paragraphs,
} from '../../../functions/domain/mail/html';

/** Undoes the five escapes in one pass, so `&amp;lt;` stays `&lt;`. */
function unescape(text: string): string {
  const entities: Record<string, string> = {
    '&amp;': '&',
    '&lt;': '<',
    '&gt;': '>',
    '&quot;': '"',
    '&#39;': "'",
  };
  return text.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => entities[entity] ?? entity);
}

describe('escapeHtml', () => {
  it.each([
    ['&', '&amp;'],
    ['<', '&lt;'],
    ['>', '&gt;'],
    ['"', '&quot;'],
    ["'", '&#39;'],
    ['plain text äöü', 'plain text äöü'],
    ['&amp;', '&amp;amp;'],
  ])('%s → %s', (raw, escaped) => {
    expect(escapeHtml(raw)).toBe(escaped);
  });
});

describe('html', () => {
  it('escapes every interpolated string', () => {
    const value = `<script>alert("x" & 'y')</script>`;
    expect(html`<p title="${value}">${value}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;">' +
        '&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;</p>',
    );
  });

  it('keeps the literal parts of the template as they are', () => {
    expect(html`<b class="x">a & b</b>`.value).toBe('<b class="x">a & b</b>');
  });

  it('renders numbers, including 0', () => {
    // Prettier would reformat the markup inside an `html` template:
    // prettier-ignore
    const cells = html`<td>${0}</td><td>${42}</td><td>${-1.5}</td>`;
    expect(cells.value).toBe('<td>0</td><td>42</td><td>-1.5</td>');
  });

  it('renders null, undefined, false and the empty string as nothing', () => {
    expect(html`<p>${null}|${undefined}|${false}|${''}</p>`.value).toBe('<p>|||</p>');
  });

  it('inserts nested SafeHtml without escaping it again', () => {
    const inner = html`<em>${'a < b'}</em>`;
    const outer = html`<p>${inner}</p>`;
    expect(outer.value).toBe('<p><em>a &lt; b</em></p>');
    expect(html`<div>${outer}</div>`.value).toBe('<div><p><em>a &lt; b</em></p></div>');
  });

  it('joins arrays of SafeHtml, each escaped once', () => {
    const items = ['<a>', 'b & c', '"d"'].map((s) => html`<li>${s}</li>`);
    // prettier-ignore
    const list = html`<ul>${items}</ul>`;
    expect(list.value).toBe('<ul><li>&lt;a&gt;</li><li>b &amp; c</li><li>&quot;d&quot;</li></ul>');
    // prettier-ignore
    const empty = html`<ul>${[]}</ul>`;
    expect(empty.value).toBe('<ul></ul>');
  });

  it('works without any interpolation', () => {
    expect(html``.value).toBe('');
    expect(html`<br />`.value).toBe('<br />');
  });

  it('returns SafeHtml whose string form is its value', () => {
    const result = html`<p>${'x'}</p>`;
    expect(result).toBeInstanceOf(SafeHtml);
    expect(String(result)).toBe('<p>x</p>');
  });

  it('never lets a character of an interpolated string become markup', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
        const out = html`<p>${s}</p>`.value;
        expect(out.startsWith('<p>')).toBe(true);
        expect(out.endsWith('</p>')).toBe(true);
        const inner = out.slice('<p>'.length, -'</p>'.length);
        expect(inner).not.toMatch(/[<>"']/);
        // Every `&` starts one of the five entities: nothing of `s` reads as an entity.
        expect(inner.replace(/&(?:amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
        expect(unescape(inner)).toBe(s);
      }),
      { numRuns: 500 },
    );
  });

  it('escapes strings made of markup characters', () => {
    const markup = fc.string({
      unit: fc.constantFrom('<', '>', '&', '"', "'", '/', 's', 'c', 'r', 'i', 'p', 't', ' ', ';'),
    });
    fc.assert(
      fc.property(markup, (s) => {
        const inner = html`<p>${s}</p>`.value.slice(3, -4);
        expect(inner).not.toContain('<');
        expect(unescape(inner)).toBe(s);
      }),
    );
  });
});

describe('paragraphs', () => {
  it('makes one paragraph per blank-line separated block and keeps single line breaks', () => {
    expect(paragraphs('Hello,\nsecond line\n\nNext paragraph').value).toBe(
      '<p>Hello,<br>second line</p>\n<p>Next paragraph</p>',
    );
  });

  it('treats several blank lines as one paragraph break', () => {
    expect(paragraphs('a\n\n\n\nb').value).toBe('<p>a</p>\n<p>b</p>');
  });

  it('escapes the text', () => {
    expect(paragraphs(`<img src=x onerror="alert('1')"> & co`).value).toBe(
      '<p>&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; co</p>',
    );
  });

  it('is not escaped again when interpolated', () => {
    expect(html`<div>${paragraphs('a < b')}</div>`.value).toBe('<div><p>a &lt; b</p></div>');
  });

  it('never lets the text become markup other than <p> and <br>', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const out = paragraphs(s).value;
        const withoutOwnTags = out.replace(/<\/?p>|<br>/g, '');
        expect(withoutOwnTags).not.toMatch(/[<>]/);
      }),
    );
  });
});

describe('layout', () => {
  it('frames the body in a document with language, charset and escaped title', () => {
    const page = layout('de', 'A <b> & "c"', html`<p>${'body'}</p>`);
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<html lang="de">');
    expect(page).toContain('<meta charset="utf-8" />');
    expect(page).toContain('<title>A &lt;b&gt; &amp; &quot;c&quot;</title>');
    expect(page).toContain('<p>body</p>');
  });
});
