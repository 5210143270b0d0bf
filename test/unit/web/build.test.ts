import { beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../../../web/build';

let pages: Map<string, string>;
beforeAll(async () => {
  const files = await buildSite({ config: { auth: 'local' }, minify: false });
  pages = new Map(
    [...files]
      .filter(([path]) => path.endsWith('.html'))
      .map(([path, file]) => [path, file.body.toString('utf8')]),
  );
}, 60_000);

describe('the built pages', () => {
  it('fill every partial and message: no {{…}} is left', () => {
    expect(pages.size).toBeGreaterThan(6);
    for (const [path, html] of pages) expect(`${path}: ${html}`).not.toMatch(/\{\{|\}\}/);
  });

  it('each have one head with the stylesheet, the icon and the page its own script', () => {
    for (const [path, html] of pages) {
      expect(html.match(/<head>/g), path).toHaveLength(1);
      expect(html, path).toContain('<link rel="stylesheet" href="/styles.css" />');
      expect(html, path).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml" />');
    }
    expect(pages.get('/console.html')).toContain('<title>Agent console – Servicedesk</title>');
    expect(pages.get('/console.html')).toContain('src="/assets/console.js"');
    expect(pages.get('/en/index.html')).toContain('src="/assets/form.js"');
  });

  it('offer the four severities on the form, in each language, normal chosen', () => {
    for (const [path, word] of [
      ['/index.html', 'Kritisch'],
      ['/en/index.html', 'Critical'],
    ] as const) {
      const html = pages.get(path) ?? '';
      const radios = [...html.matchAll(/<input\s+type="radio"\s+id="severity-(\w+)"[^>]*>/g)];
      expect(radios.map((radio) => radio[1])).toEqual(['critical', 'high', 'normal', 'low']);
      expect(radios.filter((radio) => /\schecked\s/.test(radio[0])).map((r) => r[1])).toEqual([
        'normal',
      ]);
      expect(html).toContain(`<label for="severity-critical">${word}</label>`);
    }
  });
});
