/**
 * A strict RFC 4180 reader of the bench's own (not the product's CSV library), fed text as
 * it arrives: fields separated by `,`, records by LF or CRLF, quoted fields may hold `,`,
 * line breaks and doubled quotes. Anything else (a quote inside an unquoted field, text
 * after a closing quote, an unterminated quote) is an error.
 */
export function createCsvReader(onRecord: (fields: string[]) => void) {
  let fields: string[] = [];
  let field = '';
  // start: at the start of a field; plain: in an unquoted field; quoted: inside quotes;
  // closing: just after a quote inside quotes (a doubled quote, or the field's end).
  let state: 'start' | 'plain' | 'quoted' | 'closing' = 'start';
  let line = 1;
  let pendingCr = false;
  const fail = (what: string): never => {
    throw new Error(`CSV line ${line}: ${what}`);
  };
  const endRecord = () => {
    fields.push(field);
    onRecord(fields);
    fields = [];
    field = '';
    state = 'start';
    line++;
  };
  return {
    push(text: string): void {
      for (let i = 0; i < text.length; i++) {
        const c = text[i] as string;
        if (pendingCr) {
          pendingCr = false;
          if (c !== '\n') fail('CR without LF outside quotes');
          endRecord();
          continue;
        }
        if (state === 'quoted') {
          if (c === '"') state = 'closing';
          else field += c;
          continue;
        }
        if (state === 'closing' && c === '"') {
          field += '"';
          state = 'quoted';
          continue;
        }
        if (c === ',') {
          fields.push(field);
          field = '';
          state = 'start';
        } else if (c === '\n') {
          endRecord();
        } else if (c === '\r') {
          pendingCr = true;
        } else if (state === 'closing') {
          fail(`text after a closing quote`);
        } else if (c === '"') {
          if (state === 'plain') fail('a quote inside an unquoted field');
          state = 'quoted';
        } else {
          field += c;
          state = 'plain';
        }
      }
    },
    /** The end of the text: the last record may lack its line break. */
    end(): void {
      if (state === 'quoted') fail('unterminated quoted field');
      if (pendingCr) fail('CR without LF at the end');
      if (state !== 'start' || fields.length > 0 || field !== '') endRecord();
    },
  };
}
