/**
 * A strict RFC 4180 reader for checking what the export writes (csv-parse is not
 * installed): fields separated by `delimiter`, records by CRLF or LF; a field containing
 * the delimiter, a quote or a line break must be quoted, quotes in it doubled. Anything
 * else (a stray quote, text after a closing quote, an unterminated field) throws.
 */
export function parseCsv(text: string, delimiter: ',' | ';'): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  const endRecord = () => {
    records.push(record);
    record = [];
  };
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        const char = text[i] as string;
        if (char === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += char;
        i++;
      }
      const next = text[i];
      if (next !== undefined && next !== delimiter && next !== '\n' && next !== '\r') {
        throw new Error(`text after a closing quote at ${i}`);
      }
    } else {
      while (i < text.length && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') {
        if (text[i] === '"') throw new Error(`quote inside an unquoted field at ${i}`);
        field += text[i];
        i++;
      }
    }
    record.push(field);
    if (i >= text.length) {
      endRecord();
      break;
    }
    if (text[i] === delimiter) {
      i++;
      // A delimiter at the very end of the text starts an empty last field.
      if (i >= text.length) {
        record.push('');
        endRecord();
      }
      continue;
    }
    if (text[i] === '\r') {
      if (text[i + 1] !== '\n') throw new Error(`bare CR at ${i}`);
      i += 2;
    } else {
      i++;
    }
    endRecord();
  }
  return records;
}

/** The record delimiters used between records (outside quoted fields). */
export function recordDelimiters(text: string): string[] {
  const found = new Set<string>();
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === '\r' && text[i + 1] === '\n') {
      found.add('\r\n');
      i++;
    } else if (!quoted && char === '\n') found.add('\n');
  }
  return [...found];
}
