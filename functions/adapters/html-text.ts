import { convert, type HtmlToTextOptions } from 'html-to-text';

/**
 * Deepest element nesting handed to the converter. Parsing is quadratic in the nesting depth
 * and the converter's walk is recursive (it overflows the stack at about 2000 levels); real
 * mail stays far below this (browsers flatten anything deeper than 512 levels).
 */
const MAX_NESTING = 1000;
/** Longest HTML converted; the text kept of a mail is far shorter anyway. */
const MAX_HTML_CHARS = 4 * 1024 * 1024;

/** Elements that never hold content, and those an opening sibling closes implicitly. */
const NOT_NESTING = new Set(
  'area base br col embed hr img input link meta param source track wbr p li dt dd option optgroup tr td th thead tbody tfoot rt rp'.split(
    ' ',
  ),
);

/** How deep the elements of `html` nest, counted by a linear scan of its tags. */
export function nestingDepth(html: string): number {
  let depth = 0;
  let deepest = 0;
  for (const [, closing, name = '', selfClosing] of html.matchAll(
    // [^<>]: an attempt ends at the next "<", so the scan stays linear on "<a<a<a…".
    /<(\/?)([a-zA-Z][\w:-]*)[^<>]*?(\/?)>/g,
  )) {
    if (NOT_NESTING.has(name.toLowerCase()) || selfClosing) continue;
    depth = closing ? Math.max(0, depth - 1) : depth + 1;
    deepest = Math.max(deepest, depth);
  }
  return deepest;
}

const block = { leadingLineBreaks: 1, trailingLineBreaks: 1 };
const heading = { leadingLineBreaks: 2, trailingLineBreaks: 1, uppercase: false };

/**
 * Mail HTML read as a person reads it: no hard wrapping (the agent's screen wraps), headings
 * as written (not upper-cased), layout tables as the blocks they show, images left out
 * (their alt texts are mostly "logo" or tracking pixels), a link's address only when its text
 * is not already the address.
 */
const OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  limits: { maxDepth: MAX_NESTING, maxInputLength: MAX_HTML_CHARS },
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true, linkBrackets: ['<', '>'] } },
    { selector: 'img', format: 'skip' },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({
      selector,
      format: 'heading',
      options: heading,
    })),
    // Mail layout tables hold paragraphs, not data: each cell on lines of its own.
    ...['table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th'].map((selector) => ({
      selector,
      format: 'block',
      options: block,
    })),
  ],
};

/**
 * The readable text of an HTML mail body, converted by html-to-text (the same library and
 * version the MIME parser uses): entities decoded, scripts, styles, comments and the head
 * left out, paragraphs and line breaks kept. HTML nested deeper than any real mail is not
 * converted (empty text) rather than spending seconds on it.
 */
export function htmlToText(html: string): string {
  if (nestingDepth(html) > MAX_NESTING) return '';
  return (
    convert(html, OPTIONS)
      // &nbsp; is layout in HTML; in plain text it only hides words from search.
      .replace(/\u00A0/g, ' ')
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}
