/**
 * The tokenizer against papaparse (the reader it replaces, fixed seeds): the same records, fields
 * and errors for random texts over the characters that matter (quotes, delimiters, CR, LF,
 * whitespace, multi-byte characters, BOM) and for generated CSVs with quoted fields, escaped
 * quotes, embedded newlines and spaces after closing quotes, fed whole and in random chunks.
 */
import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { guessNewline, INVALID_QUOTES, MISSING_QUOTES, tokenizeAll, type CsvRecord } from './csv-tokenizer.js';

interface Rec {
  fields: string[];
  errors: string[];
}

/** A stand-in for a leading BOM, which papaparse drops from string input but not from a stream. */
const BOM_STAND_IN = '\u2003';

function viaPapaparse(text: string, delimiter: string): { records: Rec[]; newline: string } {
  const records: Rec[] = [];
  let newline = '';
  const input = text.startsWith('\ufeff') ? BOM_STAND_IN + text.slice(1) : text;
  Papa.parse<string[]>(input, {
    delimiter,
    skipEmptyLines: false,
    step: (r) => {
      newline = r.meta.linebreak;
      records.push({ fields: r.data.map((f) => f.replaceAll(BOM_STAND_IN, '\ufeff')), errors: r.errors.map((e) => e.message) });
    },
  });
  // string input ends with a row papaparse's stream reading (what csv-dataset used) never emits
  const last = records.at(-1);
  if (last !== undefined && last.errors.length === 0 && last.fields.length === 1 && last.fields[0] === '' && /[\r\n]$/.test(text)) records.pop();
  return { records, newline };
}

/** Tokenize as csv-dataset's reader does, from memory; with `chunk`, that many bytes a read (the newline guessed from the whole text, as papaparse's string reading does). */
async function viaTokenizer(text: string, delimiter: string, chunk?: number): Promise<Rec[]> {
  const records: Rec[] = [];
  const all = Buffer.from(text);
  let read = 0;
  const readInto = async (buf: Buffer, offset: number, length: number): Promise<number> => {
    const n = Math.min(length, all.length - read);
    all.copy(buf, offset, read, read + n);
    read += n;
    return n;
  };
  await tokenizeAll(readInto, delimiter.charCodeAt(0), (r: CsvRecord) => {
    records.push({ fields: r.errors.length > 0 ? [] : r.texts(), errors: [...r.errors] });
  }, chunk === undefined ? {} : { chunk, newline: guessNewline(text) });
  return records;
}

/** Records as compared: error records by their errors only (their fields are never used). */
function comparable(records: Rec[]): Rec[] {
  return records.map((r) => (r.errors.length > 0 ? { fields: [], errors: r.errors } : r));
}

async function expectSame(text: string, delimiter = ',', chunks: number[] = [1, 7, 64]): Promise<void> {
  const ref = viaPapaparse(text, delimiter);
  if (ref.records.length > 0) expect(guessNewline(text), JSON.stringify(text)).toBe(ref.newline);
  const whole = await viaTokenizer(text, delimiter);
  expect(comparable(whole), JSON.stringify(text)).toEqual(comparable(ref.records));
  for (const c of chunks) expect(await viaTokenizer(text, delimiter, c), `${JSON.stringify(text)} in chunks of ${c}`).toEqual(whole);
}

const SEED = 4180;

describe('CsvTokenizer reads as papaparse does', () => {
  it('examples: quotes, escapes, CRLF, quoted newlines, BOM, spaces after a closing quote, malformed quoting', async () => {
    for (const t of [
      'a,b\n1,2\n',
      '\ufeffid,name\r\n1,"a, b"\r\n2,"say ""hi"""\r\n',
      'a\n"x\ny",2\n"p\r\nq",3',
      'a,b\r\n1,"x" ,2\r\n"y"  \r\n',
      'a,b\n"x"y,1\n',
      'a\n"unterminated\n1\n',
      'x\r1\r2\r',
      'a,b\n1,2\r\n3,4\n',
      '"é",ü\n"ß""",€\n',
      '""\n"",""\n,\n',
      'a"b,c\n',
      '"a"\u00a0,b\n',
      '',
      '\n\n',
      '"',
    ]) {
      await expectSame(t);
    }
    expect((await viaTokenizer('a,b\n"x"y,1\n', ','))[1]?.errors).toEqual([INVALID_QUOTES, MISSING_QUOTES]);
  });

  it('a record longer than the read buffer (64 KiB at the smallest), and one cut mid-character', async () => {
    const long = `a,b\n"${'x\n""é'.repeat(40_000)}",1\n2,😀\n`;
    await expectSame(long, ',', [4096, 65_537]);
  });

  it('random texts over the characters that matter (fixed seed)', async () => {
    const text = fc.string({ unit: fc.constantFrom('"', '"', ',', ',', '\n', '\r', ' ', '\t', 'a', '1', '.', 'é', '\u00a0', '\ufeff', '😀'), maxLength: 60 });
    for (const t of fc.sample(text, { seed: SEED, numRuns: 20_000 })) await expectSame(t, ',', [3]);
  });

  it('generated CSVs: quoted fields, escaped quotes, embedded newlines, every newline kind, tab delimiter (fixed seed)', async () => {
    const raw = fc.string({ unit: fc.constantFrom('a', 'b', '1', '2', '.', '-', ' ', '"', ',', '\t', '\n', '\r', 'é', '€'), maxLength: 8 });
    const cell = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', '1', '2', '.', '-', 'e', ' '), maxLength: 8 }),
      fc.tuple(raw, fc.constantFrom('', '', ' ', '  ')).map(([s, sp]) => `"${s.replaceAll('"', '""')}"${sp}`),
    );
    const csv = fc.tuple(
      fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { maxLength: 12 }),
      fc.constantFrom('\n', '\r\n', '\r'),
      fc.constantFrom(',', '\t'),
      fc.boolean(),
      fc.boolean(),
    ).map(([rows, nl, d, bom, trailing]) => ({ text: `${bom ? '\ufeff' : ''}${rows.map((r) => r.join(d)).join(nl)}${trailing ? nl : ''}`, d }));
    for (const { text, d } of fc.sample(csv, { seed: SEED, numRuns: 5_000 })) await expectSame(text, d, [5, 40]);
  });
});
