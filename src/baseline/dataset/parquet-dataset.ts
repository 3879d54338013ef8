/**
 * Parquet (hyparquet + hyparquet-compressors): read one row group at a time (never the whole
 * file as objects). Typed columns give Deequ's "known types": INT32/INT64 → Integral,
 * FLOAT/DOUBLE/DECIMAL → Fractional, BOOLEAN → Boolean, whatever the values look like; text
 * columns are classified from their text; timestamps and dates become String values (ISO text;
 * Deequ maps Spark timestamps to String); binary values become base64 String values. Nested
 * structs and lists are kept as JSON text or flattened like JSON Lines (json-lines-dataset.ts).
 */
import {
  asyncBufferFromFile,
  parquetMetadataAsync,
  parquetRead,
  parquetSchema,
  type AsyncBuffer,
  type SchemaTree,
} from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { JsonNumber } from '../../record/classify.js';
import { ValueKind } from '../../record/row.js';
import type { NestedOption } from './json-lines-dataset.js';
import type { Progress } from './read-progress.js';
import type { RowSink } from './row-sink.js';

/** How a Parquet leaf column's values are typed (Deequ "known types" from the Spark schema). */
const Typed = { INTEGRAL: 0, FRACTIONAL: 1, BOOLEAN: 2, TEXT: 3, TIME: 4, DATE: 5, OTHER: 6 } as const;
type Typed = (typeof Typed)[keyof typeof Typed];

function typedOf(node: SchemaTree | undefined): Typed {
  const e = node?.element;
  if (e === undefined || node?.children.length) return Typed.OTHER;
  const logical = e.logical_type?.type;
  const converted = e.converted_type;
  if (logical === 'DECIMAL' || converted === 'DECIMAL') return Typed.FRACTIONAL;
  if (logical === 'DATE' || converted === 'DATE') return Typed.DATE;
  if (
    logical === 'TIMESTAMP' ||
    logical === 'TIME' ||
    converted === 'TIMESTAMP_MILLIS' ||
    converted === 'TIMESTAMP_MICROS' ||
    converted === 'TIME_MILLIS' ||
    converted === 'TIME_MICROS' ||
    e.type === 'INT96'
  ) {
    return Typed.TIME;
  }
  switch (e.type) {
    case 'INT32':
    case 'INT64':
      return Typed.INTEGRAL;
    case 'FLOAT':
    case 'DOUBLE':
      return Typed.FRACTIONAL;
    case 'BOOLEAN':
      return Typed.BOOLEAN;
    case 'BYTE_ARRAY':
      return Typed.TEXT;
    default:
      return logical === 'FLOAT16' ? Typed.FRACTIONAL : Typed.OTHER;
  }
}

/** The element node of a LIST-annotated group (3-level or legacy 2-level layout). */
function listElement(node: SchemaTree | undefined): SchemaTree | undefined {
  const repeated = node?.children[0];
  if (repeated === undefined) return undefined;
  return repeated.children.length === 1 ? repeated.children[0] : repeated;
}

function childNamed(node: SchemaTree | undefined, name: string): SchemaTree | undefined {
  return node?.children.find((c) => c.element.name === name);
}

function bytesToBase64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

/** JSON text of an assembled Parquet value (bigints as numbers, dates as ISO text, bytes as base64). */
function parquetJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    typeof x === 'bigint' ? Number(x) : x instanceof Uint8Array ? bytesToBase64(x) : x,
  );
}

/** Read Parquet `input` into `sink`, row group by row group in file order. */
export async function readParquet(
  input: string,
  sink: RowSink,
  progress: Progress,
  nested: NestedOption,
): Promise<void> {
  const base = await asyncBufferFromFile(input);
  const file: AsyncBuffer = {
    byteLength: base.byteLength,
    slice(start: number, end?: number) {
      const r = base.slice(start, end);
      const count = (buf: ArrayBuffer): ArrayBuffer => {
        progress.add(buf.byteLength);
        return buf;
      };
      return r instanceof Promise ? r.then(count) : count(r);
    },
  };
  const metadata = await parquetMetadataAsync(file);
  const tree = parquetSchema(metadata);
  const columns = tree.children.map((c) => c.element.name);
  const slots = columns.map((n) => sink.slot(n));

  const put = (name: string, slot: number | undefined, v: unknown, node: SchemaTree | undefined): void => {
    if (v === null || v === undefined) {
      if (slot !== undefined) sink.setMissing(slot);
      return;
    }
    const typed = typedOf(node);
    if (typeof v === 'number') {
      const i = slot ?? sink.slot(name);
      if (typed === Typed.FRACTIONAL) sink.setTyped(i, ValueKind.FRACTIONAL, v, String(v));
      else if (typed === Typed.INTEGRAL) sink.setTyped(i, ValueKind.INTEGRAL, v, String(v));
      else sink.setJson(i, v);
    } else if (typeof v === 'bigint') {
      sink.setTyped(slot ?? sink.slot(name), ValueKind.INTEGRAL, Number(v), v.toString());
    } else if (typeof v === 'boolean') {
      sink.setTyped(slot ?? sink.slot(name), ValueKind.BOOLEAN, 0, v ? 'true' : 'false');
    } else if (typeof v === 'string') {
      sink.setText(slot ?? sink.slot(name), v);
    } else if (v instanceof Date) {
      const iso = Number.isNaN(v.getTime()) ? String(v) : v.toISOString();
      sink.setTyped(slot ?? sink.slot(name), ValueKind.STRING, 0, typed === Typed.DATE ? iso.slice(0, 10) : iso);
    } else if (v instanceof Uint8Array) {
      sink.setTyped(slot ?? sink.slot(name), ValueKind.STRING, 0, bytesToBase64(v));
    } else if (nested === 'json' && typeof v === 'object' && !(v instanceof JsonNumber)) {
      sink.setTyped(slot ?? sink.slot(name), ValueKind.STRING, 0, parquetJson(v));
    } else if (Array.isArray(v)) {
      const element = listElement(node);
      for (let i = 0; i < v.length; i++) put(`${name}.${i}`, undefined, v[i], element);
    } else if (v instanceof JsonNumber) {
      sink.setJson(slot ?? sink.slot(name), v);
    } else if (typeof v === 'object') {
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) put(`${name}.${k}`, undefined, o[k], childNamed(node, k));
    } else {
      sink.setTyped(slot ?? sink.slot(name), ValueKind.STRING, 0, String(v));
    }
  };

  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    if (rowEnd > rowStart) {
      let rows: unknown[][] = [];
      await parquetRead({
        file,
        metadata,
        compressors,
        columns,
        rowStart,
        rowEnd,
        rowFormat: 'array',
        onComplete: (r) => {
          rows = r;
        },
      });
      for (const values of rows) {
        sink.begin();
        for (let j = 0; j < columns.length; j++) {
          put(columns[j] as string, slots[j] as number, values[j], tree.children[j]);
        }
        sink.emit();
      }
      rows = [];
    }
    rowStart = rowEnd;
  }
}
