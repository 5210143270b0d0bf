/**
 * Raw 8-bit bytes in MIME headers. RFC 5322 headers are ASCII, and words in other scripts
 * should be RFC 2047 encoded words, but many clients write the bytes of their own charset
 * straight into the header (a Latin-1 subject, a GB2312 file name). A MIME parser then has
 * to guess, and reading them as UTF-8 turns every such character into U+FFFD.
 *
 * The rule: a header line's raw bytes are read in the charset its part declares (the part's
 * own `charset`, else the one of the multipart that holds it, else the message's); when that
 * charset is a single-byte one, which reads any bytes, bytes that are valid UTF-8 are read as
 * UTF-8 instead (a Latin-1 text practically never is valid UTF-8, while RFC 6532 mail is);
 * with no declared charset, or one that cannot read the bytes, UTF-8; else windows-1252,
 * which reads everything and is what undeclared 8-bit mail mostly is.
 */

/** Charsets whose bytes are not ASCII-compatible, or that say nothing beyond UTF-8. */
const NOT_A_HEADER_CHARSET = /^(utf-?8|us-?ascii|ascii|utf-?(16|32)(be|le)?|ucs-?2)$/;

/** What windows-1252 has at 0x80–0x9F, where ISO-8859-1 has C1 controls (0 = unassigned). */
const WINDOWS_1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152,
  0, 0x017d, 0, 0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161,
  0x203a, 0x0153, 0, 0x017e, 0x0178,
];

/** The labels the WHATWG Encoding Standard reads as windows-1252. */
const WINDOWS_1252 =
  /^(windows-1252|cp1252|x-cp1252|iso-8859-1|iso8859-1|iso_8859-1|latin1|l1|cp819|ibm819|us-ascii|ascii|iso-ir-100|csisolatin1)$/;

/**
 * windows-1252, written out: Node's TextDecoder reads this label as ISO-8859-1 and turns
 * Outlook's “quotes”, – and € into invisible C1 controls.
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) {
    const high = byte >= 0x80 && byte <= 0x9f ? WINDOWS_1252_HIGH[byte - 0x80] : undefined;
    out += String.fromCharCode(high || byte);
  }
  return out;
}

function tryDecode(label: string, bytes: Uint8Array): string | undefined {
  if (WINDOWS_1252.test(label.trim().toLowerCase())) return decodeWindows1252(bytes);
  try {
    return new TextDecoder(label, { fatal: true }).decode(bytes);
  } catch {
    // an unknown label (RangeError) or bytes the charset cannot read (TypeError)
    return undefined;
  }
}

/**
 * Reads the raw bytes of a header in the charset that most likely wrote them: the
 * declared one, UTF-8, windows-1252 (see the module comment for the order).
 */
export function decodeHeaderBytes(bytes: Uint8Array, declared?: string): string {
  const utf8 = tryDecode('utf-8', bytes);
  const charset = declared?.trim().toLowerCase();
  if (charset && !NOT_A_HEADER_CHARSET.test(charset)) {
    const decoded = tryDecode(charset, bytes);
    // A multi-byte charset makes fewer characters than bytes; a single-byte one exactly as
    // many, and then reads anything, so valid UTF-8 is the better reading.
    if (decoded !== undefined && (utf8 === undefined || decoded.length < bytes.length)) {
      return decoded;
    }
  }
  return utf8 ?? decodeWindows1252(bytes);
}

interface Line {
  start: number;
  /** Index after the line's content, before its CR LF / LF. */
  end: number;
  /** Index after the line break. */
  next: number;
}

function* linesOf(raw: Uint8Array): Generator<Line> {
  let start = 0;
  while (start < raw.length) {
    const lf = raw.indexOf(0x0a, start);
    const next = lf < 0 ? raw.length : lf + 1;
    let end = lf < 0 ? raw.length : lf;
    if (end > start && raw[end - 1] === 0x0d) end--;
    yield { start, end, next };
    start = next;
  }
}

function hasEightBit(raw: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if ((raw[i] ?? 0) > 0x7f) return true;
  return false;
}

/** A parameter of the Content-Type in an (unfolded, latin1) header block. */
function contentTypeParam(block: string, name: string): string | undefined {
  const contentType = /^content-type[ \t]*:(.*)$/im.exec(block)?.[1];
  if (!contentType) return undefined;
  const match = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(contentType);
  const value = (match?.[1] ?? match?.[2])?.trim();
  return value || undefined;
}

/** The bytes of a part body as its Content-Transfer-Encoding wrote them, decoded. */
function transferDecoded(body: Buffer, encoding: string): Buffer {
  if (/^base64$/i.test(encoding)) return Buffer.from(body.toString('latin1'), 'base64');
  if (!/^quoted-printable$/i.test(encoding)) return body;
  const text = body.toString('latin1').replace(/=\r?\n/g, '');
  return Buffer.from(
    text.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  );
}

/** The charset an HTML document names in its own `<meta>`, if any. */
function metaCharset(html: Buffer): string | undefined {
  const head = html.subarray(0, 4096).toString('latin1');
  return /<meta[^>]+charset\s*=\s*["']?\s*([\w:.-]+)/i.exec(head)?.[1];
}

/**
 * The charset to declare for a text part that declares none: the one its multipart (or the
 * message) declares, or its HTML's `<meta>`, read as {@link decodeHeaderBytes} reads headers;
 * undefined when the default (UTF-8) already reads it, as for any ASCII text.
 */
function undeclaredTextCharset(
  decoded: Buffer,
  inherited: string | undefined,
  html: boolean,
): string | undefined {
  if (!decoded.some((b) => b > 0x7f)) return undefined;
  const declared = (inherited ?? (html ? metaCharset(decoded) : undefined))?.trim().toLowerCase();
  const utf8 = tryDecode('utf-8', decoded) !== undefined;
  if (declared && !NOT_A_HEADER_CHARSET.test(declared)) {
    const read = tryDecode(declared, decoded);
    if (read !== undefined && (!utf8 || read.length < decoded.length)) return declared;
  }
  return utf8 ? undefined : 'windows-1252';
}

interface Edit {
  at: number;
  /** Bytes replaced from `at` (0 for an insertion). */
  length: number;
  bytes: Buffer;
}

/** A text part without a charset, waiting for the end of its body. */
interface PendingPart {
  bodyStart: number;
  /** Where `; charset=…` goes: after the Content-Type header's last line. */
  insertAt: number;
  encoding: string;
  inherited: string | undefined;
  html: boolean;
}

/**
 * The raw mail with the charsets the MIME parser would get wrong made explicit:
 *
 * - every header line that holds raw 8-bit bytes re-encoded as UTF-8, read as
 *   {@link decodeHeaderBytes} says (the parser reads raw header bytes as UTF-8);
 * - a text part that declares no charset but is not UTF-8 (the parser's default) gets the
 *   charset its multipart or the message declares, or its HTML's `<meta>`, else windows-1252.
 *
 * Covers the message's header and its parts (found by the boundaries the multiparts
 * declare); nothing else changes. Returns the same buffer when nothing needed it.
 */
export function withExplicitCharsets(raw: Buffer): Buffer {
  /** The charset each declared boundary's parts inherit. */
  const boundaries = new Map<string, string | undefined>();
  const edits: Edit[] = [];
  let inHeader = true;
  let inherited: string | undefined;
  let block: Line[] = [];
  let pending: PendingPart | undefined;

  const closeBlock = (bodyStart: number) => {
    const texts = block.map((l) => raw.toString('latin1', l.start, l.end));
    const unfolded = texts.join('\n').replace(/\n[ \t]+/g, ' ');
    const own = contentTypeParam(unfolded, 'charset');
    const charset = own ?? inherited;
    const boundary = contentTypeParam(unfolded, 'boundary');
    if (boundary) boundaries.set(boundary, charset);
    for (const line of block) {
      if (!hasEightBit(raw, line.start, line.end)) continue;
      const bytes = Buffer.from(decodeHeaderBytes(raw.subarray(line.start, line.end), charset));
      edits.push({ at: line.start, length: line.end - line.start, bytes });
    }
    const type = /^content-type[ \t]*:\s*([\w.+-]+\/[\w.+-]+)/im.exec(unfolded)?.[1] ?? '';
    const typeLine = texts.findIndex((t) => /^content-type[ \t]*:/i.test(t));
    if (!own && /^text\//i.test(type) && typeLine >= 0) {
      let last = typeLine;
      while (/^[ \t]/.test(texts[last + 1] ?? '')) last++;
      pending = {
        bodyStart,
        insertAt: block[last]?.end ?? bodyStart,
        encoding: /^content-transfer-encoding[ \t]*:\s*([\w-]+)/im.exec(unfolded)?.[1] ?? '',
        inherited,
        html: /^text\/html$/i.test(type),
      };
    }
    block = [];
  };

  const closeBody = (bodyEnd: number) => {
    if (!pending) return;
    const body = raw.subarray(pending.bodyStart, bodyEnd);
    const decoded = transferDecoded(body, pending.encoding);
    const charset = undeclaredTextCharset(decoded, pending.inherited, pending.html);
    if (charset) {
      const param = Buffer.from(`; charset="${charset.replace(/"/g, '')}"`);
      edits.push({ at: pending.insertAt, length: 0, bytes: param });
    }
    pending = undefined;
  };

  for (const line of linesOf(raw)) {
    if (inHeader) {
      if (line.end === line.start) {
        closeBlock(line.next);
        inHeader = false;
      } else block.push(line);
      continue;
    }
    if (raw[line.start] !== 0x2d || raw[line.start + 1] !== 0x2d) continue;
    const name = raw.toString('latin1', line.start + 2, line.end).trimEnd();
    const closing = name.endsWith('--') && boundaries.has(name.slice(0, -2));
    if (boundaries.has(name) || closing) closeBody(line.start);
    if (boundaries.has(name)) {
      inherited = boundaries.get(name);
      inHeader = true;
    }
  }
  if (inHeader) closeBlock(raw.length);
  closeBody(raw.length);
  if (!edits.length) return raw;
  edits.sort((a, b) => a.at - b.at);
  const pieces: Buffer[] = [];
  let copied = 0;
  for (const edit of edits) {
    pieces.push(raw.subarray(copied, edit.at), edit.bytes);
    copied = edit.at + edit.length;
  }
  pieces.push(raw.subarray(copied));
  return Buffer.concat(pieces);
}

/**
 * When a multipart's declared boundary never occurs (a gateway broke the header, or the
 * sender's software wrote another one), the body's parts are still there: the boundary that
 * is actually used, from the first line `--X` followed by a part header. Undefined when the
 * body shows none.
 */
export function boundaryInUse(body: Buffer): string | undefined {
  const lines = [...linesOf(body.subarray(0, 256 * 1024))];
  for (const [i, line] of lines.entries()) {
    if (body[line.start] !== 0x2d || body[line.start + 1] !== 0x2d) continue;
    const candidate = body.toString('latin1', line.start + 2, line.end).trimEnd();
    const following = lines[i + 1];
    if (!candidate || candidate.length > 200 || /\s/.test(candidate) || !following) continue;
    const header = body.toString('latin1', following.start, following.end);
    if (/^content-[a-z-]+[ \t]*:/i.test(header)) return candidate;
  }
  return undefined;
}
