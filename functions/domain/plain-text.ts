/**
 * Text a stranger typed, made safe to show: no control characters and no bidi overrides,
 * which would let a name or subject display as something it is not (U+202E turns
 * `invoice_fdp.exe` into `invoice_exe.pdf`) or hide text in a console, a list or a mail.
 */

/**
 * Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the bare
 * direction marks (U+200E, U+200F, U+061C): invisible, and they reorder what follows.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

/** C0 controls but tab and line feed (CR is folded into LF first), DEL and C1 controls. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS_EXCEPT_TAB_LF = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** Everything that breaks a line or a cell, for single-line text. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const LINE_BREAKS = /[\t\n\u000B\u000C\r\u0085\u2028\u2029]+/g;

/**
 * One line of text (a name, a subject): line breaks and tabs become a space, other
 * control characters and bidi controls go, runs of spaces shrink to one, ends are trimmed.
 */
export function singleLineText(text: string): string {
  return text
    .replace(LINE_BREAKS, ' ')
    .replace(BIDI_CONTROLS, '')
    .replace(CONTROLS_EXCEPT_TAB_LF, '')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/**
 * Free text (a description, a message): line breaks (CRLF and CR become LF) and tabs are
 * kept; other control characters and bidi controls go.
 */
export function multiLineText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u2028\u2029]/g, '\n')
    .replace(BIDI_CONTROLS, '')
    .replace(CONTROLS_EXCEPT_TAB_LF, '');
}
