import crypto from 'node:crypto';
import fs from 'node:fs';
import { AppError } from '../../core/errors.ts';

/**
 * CSV as German municipal files come: `;` or `,` (or tab), UTF-8 with or without
 * BOM or Windows-1252, an optional Excel `sep=;` first line, RFC 4180 quoting
 * with line breaks inside quotes, CRLF or LF. Streams: memory stays flat for
 * files of any length.
 */

export type Encoding = 'utf-8' | 'windows-1252';

export interface CsvRow {
  /** 1-based physical line where the record starts. */
  line: number;
  fields: string[];
}

// ---------------------------------------------------------------- pure core

/** Incremental parser: feed decoded text, get complete records. */
export function createCsvParser(delimiter: string, file: string) {
  let field = '';
  let fields: string[] = [];
  let inQuotes = false;
  let quoteStart = { line: 0, column: 0 };
  let afterQuote = false; // just closed a quoted field; a doubled quote may follow
  let line = 1;
  let column = 0;
  let recordLine = 1;
  let pendingCR = false;

  function endRecord(out: CsvRow[]) {
    fields.push(field);
    field = '';
    // A blank line is no record.
    if (!(fields.length === 1 && fields[0] === '')) out.push({ line: recordLine, fields });
    fields = [];
  }

  const LF = 10;
  const CR = 13;
  const QUOTE = 34;
  const DELIM = delimiter.charCodeAt(0);

  return {
    push(text: string): CsvRow[] {
      const out: CsvRow[] = [];
      const n = text.length;
      let i = 0;
      while (i < n) {
        if (pendingCR) {
          pendingCR = false;
          if (text.charCodeAt(i) === LF) {
            i++;
            continue;
          }
        }
        // A run of ordinary characters is appended as one slice: concatenating
        // character by character made this loop the records stage's hottest.
        let j = i;
        if (inQuotes) {
          for (let c = text.charCodeAt(j); j < n && c !== QUOTE && c !== LF && c !== CR; c = text.charCodeAt(++j));
        } else if (!afterQuote) {
          for (let c = text.charCodeAt(j); j < n && c !== DELIM && c !== QUOTE && c !== LF && c !== CR; c = text.charCodeAt(++j));
        }
        if (j > i) {
          field += text.slice(i, j);
          column += j - i;
          i = j;
          if (i === n) break;
        }
        const ch = text[i++]!;
        column++;
        if (inQuotes) {
          if (ch === '"') {
            inQuotes = false;
            afterQuote = true;
          } else {
            // a line break inside quotes
            line++;
            column = 0;
            if (ch === '\r') pendingCR = true;
            field += '\n';
          }
          continue;
        }
        if (afterQuote && ch === '"') {
          // "" inside a quoted field
          field += '"';
          inQuotes = true;
          afterQuote = false;
          continue;
        }
        afterQuote = false;
        if (ch === delimiter) {
          fields.push(field);
          field = '';
        } else if (ch === '\n' || ch === '\r') {
          if (ch === '\r') pendingCR = true;
          endRecord(out);
          line++;
          column = 0;
          recordLine = line;
        } else if (ch === '"' && field === '') {
          inQuotes = true;
          quoteStart = { line, column };
        } else field += ch;
      }
      return out;
    },
    end(): CsvRow[] {
      if (inQuotes) {
        throw new AppError('invalid_input', 'unterminated quoted value: the file ends inside quotes (truncated file?)', {
          file,
          line: quoteStart.line,
          column: quoteStart.column,
        });
      }
      const out: CsvRow[] = [];
      if (field !== '' || fields.length > 0) endRecord(out);
      return out;
    },
  };
}

/** Picks the delimiter that splits the header line into the most fields. */
export function detectDelimiter(headerLine: string): string {
  const candidates = [';', ',', '\t', '|'];
  let best = ';';
  let bestCount = 0;
  for (const c of candidates) {
    let n = 0;
    let quoted = false;
    for (const ch of headerLine) {
      if (ch === '"') quoted = !quoted;
      else if (ch === c && !quoted) n++;
    }
    if (n > bestCount) {
      best = c;
      bestCount = n;
    }
  }
  return best;
}

// ---------------------------------------------------------------- IO shell

export interface CsvInfo {
  encoding: Encoding;
  sha256: string;
  bytes: number;
}

/**
 * First pass: hash the file and decide its encoding. Valid UTF-8 throughout means
 * UTF-8; no UTF-8 sequence at all but bytes above 0x7F means Windows-1252 (which
 * decodes every byte), the encoding of German Excel and most school administration
 * exports. Both in one file (lines appended from another export) is refused: read
 * either way, part of the file would turn into mojibake ("StraÃŸe") and then into
 * unmatched or, worse, wrongly matched addresses.
 */
export async function inspectFile(file: string): Promise<CsvInfo> {
  const hash = crypto.createHash('sha256');
  const scan = utf8Scanner();
  let bytes = 0;
  try {
    for await (const chunk of fs.createReadStream(file)) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
      scan.push(chunk as Buffer);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new AppError('invalid_input', 'file not found', { file });
    throw err;
  }
  const { firstUtf8, firstInvalid } = scan.end();
  if (firstUtf8 && firstInvalid) {
    throw new AppError(
      'invalid_input',
      `mixed encodings: line ${firstUtf8.line} is UTF-8, but line ${firstInvalid.line} has a byte (0x${firstInvalid.byte
        .toString(16)
        .toUpperCase()}) that is not; save the whole file in one encoding`,
      { file, line: firstInvalid.line, column: firstInvalid.column },
    );
  }
  return { encoding: firstInvalid ? 'windows-1252' : 'utf-8', sha256: hash.digest('hex'), bytes };
}

type BytePos = { line: number; column: number; byte: number };

/** Finds the first well-formed UTF-8 multibyte sequence and the first byte that cannot be UTF-8 (line and byte column from 1). */
function utf8Scanner() {
  let line = 1;
  let column = 0;
  let need = 0; // continuation bytes still expected
  let start: BytePos | null = null; // where the current multibyte sequence began
  let firstUtf8: BytePos | null = null;
  let firstInvalid: BytePos | null = null;
  const invalid = (p: BytePos) => {
    firstInvalid ??= p;
    need = 0;
    start = null;
  };
  return {
    push(buf: Buffer) {
      for (const b of buf) {
        column++;
        if (need > 0) {
          if ((b & 0xc0) === 0x80) {
            if (--need === 0) firstUtf8 ??= start;
            continue;
          }
          invalid(start!);
        }
        if (b === 0x0a) {
          line++;
          column = 0;
        } else if (b >= 0x80) {
          const n = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
          if (n < 0) invalid({ line, column, byte: b });
          else {
            need = n;
            start = { line, column, byte: b };
          }
        }
        if (firstUtf8 && firstInvalid) return;
      }
    },
    end(): { firstUtf8: BytePos | null; firstInvalid: BytePos | null } {
      if (need > 0) invalid(start!);
      return { firstUtf8, firstInvalid };
    },
  };
}

export interface CsvTable {
  info: CsvInfo;
  delimiter: string;
  header: string[];
  headerLine: number;
  /** The records after the header; read either `rows` or `batches` (one chunk's records at a time, for hot loops), not both. */
  rows: AsyncGenerator<CsvRow>;
  batches: AsyncGenerator<CsvRow[]>;
  /** Bytes of the file read so far (a little ahead of the records handed out): for progress. */
  bytesRead(): number;
}

export async function openCsv(file: string, options: { delimiter?: string } = {}): Promise<CsvTable> {
  const info = await inspectFile(file);
  if (info.bytes === 0) throw new AppError('invalid_input', 'the file is empty; expected a header line', { file, line: 1 });
  const decoder = new TextDecoder(info.encoding); // strips a UTF-8 BOM
  const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  const iterator = stream[Symbol.asyncIterator]();

  // Read until the header line (and a possible `sep=` line before it) is complete.
  let buffered = '';
  let done = false;
  const firstLines = () => buffered.split(/\r\n|\n|\r/);
  while (!done && firstLines().length < 3) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      buffered += decoder.decode();
    } else buffered += decoder.decode(next.value as Buffer, { stream: true });
  }
  let lineOffset = 0;
  let delimiter = options.delimiter;
  const sep = /^sep=(.)\s*$/i.exec(firstLines()[0] ?? '');
  if (sep) {
    delimiter ??= sep[1]!;
    buffered = buffered.slice(buffered.search(/\r\n|\n|\r/)).replace(/^(\r\n|\n|\r)/, '');
    lineOffset = 1;
  }
  delimiter ??= detectDelimiter(firstLines()[0] ?? '');
  const parser = createCsvParser(delimiter, file);
  const pending: CsvRow[] = parser.push(buffered);
  if (done) pending.push(...parser.end());

  // The header may span lines only in pathological files; take the first record.
  const headerRow = pending.shift();
  if (!headerRow) throw new AppError('invalid_input', 'no header line found', { file, line: 1 });
  const header = headerRow.fields.map((h) => h.trim());
  // Excel writes a trailing delimiter on every line (the MSB file does): drop the empty last column.
  const trailingEmpty = header.length > 1 && header[header.length - 1] === '';
  if (trailingEmpty) header.pop();
  const seen = new Map<string, number>();
  header.forEach((h, i) => {
    if (h === '')
      throw new AppError('invalid_input', 'empty column name in header', { file, line: headerRow.line + lineOffset, column: i + 1 });
    if (seen.has(h)) {
      throw new AppError('invalid_input', `duplicate column "${h}" (columns ${seen.get(h)! + 1} and ${i + 1})`, {
        file,
        line: headerRow.line + lineOffset,
        column: i + 1,
      });
    }
    seen.set(h, i);
  });

  const fix = (rs: CsvRow[]): CsvRow[] => {
    for (const r of rs) {
      if (trailingEmpty && r.fields.length === header.length + 1 && r.fields[r.fields.length - 1] === '') r.fields.pop();
      r.line += lineOffset;
    }
    return rs;
  };
  async function* batches(): AsyncGenerator<CsvRow[]> {
    try {
      if (pending.length > 0) yield fix(pending);
      if (done) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) {
          yield fix([...parser.push(decoder.decode()), ...parser.end()]);
          return;
        }
        yield fix(parser.push(decoder.decode(next.value as Buffer, { stream: true })));
      }
    } finally {
      stream.destroy();
    }
  }
  async function* rows(): AsyncGenerator<CsvRow> {
    for await (const batch of batches()) yield* batch;
  }
  return {
    info,
    delimiter,
    header,
    headerLine: headerRow.line + lineOffset,
    rows: rows(),
    batches: batches(),
    bytesRead: () => stream.bytesRead,
  };
}

/** Column index by name, or a clear error naming the file and what was expected. */
export function requireColumn(table: CsvTable, file: string, name: string): number {
  const i = table.header.indexOf(name);
  if (i < 0) {
    throw new AppError('invalid_input', `missing column "${name}"; the header has: ${table.header.join(', ')}`, {
      file,
      line: table.headerLine,
    });
  }
  return i;
}
