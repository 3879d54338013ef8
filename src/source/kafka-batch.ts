/**
 * One fetched Kafka batch as a RawBatch. Message values are bytes from anyone who can produce to
 * the topic, so they get the same treatment as file lines: a value that is not valid UTF-8 is
 * rejected (`invalid_utf8`) rather than repaired with U+FFFD and accepted, and an empty or
 * whitespace-only value (a tombstone, a stray newline) is not a record — it is counted in
 * blankLines, as a blank line of a file is. Positions are per batch, so skipping one moves no offset.
 */
import { isUtf8 } from 'node:buffer';
import type { DecodedBlock } from '../record/decoded-block.js';
import type { FetchedMessage } from './kafka-fetcher.js';
import { RecordErrorReason } from '../errors.js';
import { partitionKey, type RawBatch } from './source.js';

export function kafkaRawBatch(topic: string, partition: number, fetched: readonly FetchedMessage[], nextOffset: number): RawBatch {
  let messages = fetched;
  let blankLines = 0;
  for (const m of fetched) if (isBlank(m.value)) blankLines++;
  if (blankLines > 0) messages = fetched.filter((m) => !isBlank(m.value));
  const records = new Array<string>(messages.length);
  let rejected: Map<number, { reason: RecordErrorReason; bytes: number }> | undefined;
  for (let i = 0; i < messages.length; i++) {
    const value = (messages[i] as FetchedMessage).value as Buffer;
    const text = value.toString('utf8');
    // decoding repairs bad bytes with U+FFFD: only then is the (rarer) full check needed
    if (text.indexOf('\uFFFD') >= 0 && !isUtf8(value)) (rejected ??= new Map()).set(i, { reason: RecordErrorReason.INVALID_UTF8, bytes: value.length });
    records[i] = text;
  }
  const batch: RawBatch = {
    records,
    origin: (i) => `${topic}/${partition}@${(messages[i] as FetchedMessage).offset}`,
    key: (i) => (messages[i] as FetchedMessage).key ?? null,
    bytes: (i) => (messages[i] as FetchedMessage).value ?? new Uint8Array(0),
    offset: (i) => Number((messages[i] as FetchedMessage).offset),
    timestampMs: (i) => Number((messages[i] as FetchedMessage).timestamp),
    partition: { key: partitionKey(topic, partition), position: { topic, partition, nextOffset } },
    ...(blankLines > 0 ? { blankLines } : {}),
  };
  return rejected === undefined ? batch : { ...batch, rejected: (i) => rejected.get(i) };
}

/**
 * A chunk decoded in the fetch worker (FetchedChunk.decoded, one record per message that is not
 * blank; `blank` says which are) as a RawBatch of its messages from `handed` on (those before were
 * processed already).
 */
export function kafkaDecodedBatch(topic: string, partition: number, fetched: readonly FetchedMessage[], blank: Uint8Array, handed: number, block: DecodedBlock, nextOffset: number): RawBatch {
  let messages = fetched;
  let from = handed;
  let blankLines = 0;
  if (blank.includes(1)) {
    const kept: FetchedMessage[] = (messages = []);
    from = 0;
    for (let i = 0; i < fetched.length; i++) {
      if (blank[i] === 1) {
        if (i >= handed) blankLines++;
      } else {
        kept.push(fetched[i] as FetchedMessage);
        if (i < handed) from++;
      }
    }
  }
  const at = (i: number): FetchedMessage => messages[i] as FetchedMessage;
  return {
    records: [],
    decoded: block,
    decodedFrom: from,
    origin: (i) => `${topic}/${partition}@${at(i).offset}`,
    key: (i) => at(i).key ?? null,
    bytes: (i) => at(i).value ?? new Uint8Array(0),
    offset: (i) => Number(at(i).offset),
    timestampMs: (i) => Number(at(i).timestamp),
    partition: { key: partitionKey(topic, partition), position: { topic, partition, nextOffset } },
    ...(blankLines > 0 ? { blankLines } : {}),
  };
}

/** Per message: 1 where it is blank (not a record). */
export function blankMessages(messages: readonly FetchedMessage[]): Uint8Array {
  const blank = new Uint8Array(messages.length);
  for (let i = 0; i < messages.length; i++) if (isBlank((messages[i] as FetchedMessage).value)) blank[i] = 1;
  return blank;
}

function isBlank(value: Buffer | null): boolean {
  if (value === null || value.length === 0) return true;
  if (value[0] as number > 32) return false;
  for (const b of value) if (b !== 32 && b !== 9 && b !== 10 && b !== 13) return false;
  return true;
}
