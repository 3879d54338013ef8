/**
 * The baseline program of bench/throughput.bench.ts: reads input files as a sane streaming
 * program would — fs.createReadStream (1 MiB chunks, as driftmon's file source reads; gunzip for
 * *.gz), UTF-8 decoding, split on newlines with the partial last line carried over — and parses
 * every line, nothing else:
 *
 *   node read-parse.js json PATH…   JSON.parse of every non-blank line (capture files; a folder is
 *                                   searched recursively, files in path order, as driftmon does)
 *   node read-parse.js csv FILE     parseFloat of every field of every row after the header
 *
 * Prints {"rows":N,"checksum":X} on stdout (the checksum keeps the work from being optimised away).
 */
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => filesUnder(join(path, name)));
}

async function eachLine(file: string, onLine: (line: string) => void): Promise<void> {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const stream: Readable = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  stream.setEncoding('utf8');
  let carry = '';
  for await (const chunk of stream as AsyncIterable<string>) {
    const text = carry + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      onLine(text.slice(start, nl));
      start = nl + 1;
    }
    carry = text.slice(start);
  }
  if (carry.length > 0) onLine(carry);
}

const [mode, ...paths] = process.argv.slice(2);
let rows = 0;
let checksum = 0;
if (mode === 'json') {
  for (const file of paths.flatMap(filesUnder)) {
    await eachLine(file, (line) => {
      if (line.length === 0) return;
      const o = JSON.parse(line) as { eventMetadata?: { inferenceTime?: string } };
      checksum += o.eventMetadata?.inferenceTime?.length ?? 0;
      rows++;
    });
  }
} else if (mode === 'csv') {
  let header = true;
  for (const file of paths) {
    await eachLine(file, (line) => {
      if (header) {
        header = false;
        return;
      }
      if (line.length === 0) return;
      const fields = line.split(',');
      for (let i = 0; i < fields.length; i++) {
        const v = parseFloat(fields[i] as string);
        if (v === v) checksum += v;
      }
      rows++;
    });
  }
} else {
  process.stderr.write('usage: read-parse.js json PATH… | csv FILE\n');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify({ rows, checksum })}\n`);
