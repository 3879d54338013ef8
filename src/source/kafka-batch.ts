/**
 * One fetched Kafka batch as a RawBatch. Message values are bytes from anyone who can produce to
 * the topic, so they get the same treatment as file lines: a value that is not valid UTF-8 is
 * rejected (`invalid_utf8`) rather than repaired with U+FFFD and accepted, and an empty or
 * whitespace-only value (a tombstone, a stray newline) is not a record — it is counted in
 * blankLines, as a blank line of a file is. Positions are per batch, so skipping one moves no offset.
 */
import { isUtf8 } from 'node:buffer';
import type { DecodedChunk, FetchedMessage } from './kafka-fetcher.js';
import { RecordErrorReason } from '../errors.js';
import { partitionKey, type RawBatch } from './source.js';

export function kafkaRawBatch(topic: string, partition: number, fetched: readonly FetchedMessage[], nextOffset: number, blank = blankMessages(fetched)): RawBatch {
  const { messages, blankLines } = recordMessages(fetched, blank, 0);
  const records = new Array<string>(messages.length);
  let rejected: Map<number, { reason: RecordErrorReason; bytes: number }> | undefined;
  for (let i = 0; i < messages.length; i++) {
    const value = (messages[i] as FetchedMessage).value as Buffer;
    const text = value.toString('utf8');
    // decoding repairs bad bytes with U+FFFD: only then is the (rarer) full check needed
    if (text.indexOf('\uFFFD') >= 0 && !isUtf8(value)) (rejected ??= new Map()).set(i, { reason: RecordErrorReason.INVALID_UTF8, bytes: value.length });
    records[i] = text;
  }
  const batch: RawBatch = { records, ...messageFields(topic, partition, messages, nextOffset, blankLines) };
  return rejected === undefined ? batch : { ...batch, rejected: (i) => rejected.get(i) };
}

/**
 * A chunk decoded in the fetch worker (FetchedChunk.decoded: one record per message that is not
 * blank) as a RawBatch of its messages from `handed` on (those before were processed already).
 */
export function kafkaDecodedBatch(topic: string, partition: number, fetched: readonly FetchedMessage[], decoded: DecodedChunk, handed: number, nextOffset: number): RawBatch {
  const { messages, from, blankLines } = recordMessages(fetched, decoded.blank, handed);
  return { records: [], decoded: decoded.block, decodedFrom: from, ...messageFields(topic, partition, messages, nextOffset, blankLines) };
}

/** Per message: 1 where it is blank (not a record). */
export function blankMessages(messages: readonly FetchedMessage[]): Uint8Array {
  const blank = new Uint8Array(messages.length);
  for (let i = 0; i < messages.length; i++) if (isBlank((messages[i] as FetchedMessage).value)) blank[i] = 1;
  return blank;
}

/** The messages that are records (not blank), which of them is the first at or after `handed`, and the blank ones from `handed` on. */
function recordMessages(fetched: readonly FetchedMessage[], blank: Uint8Array, handed: number): { messages: readonly FetchedMessage[]; from: number; blankLines: number } {
  if (!blank.includes(1)) return { messages: fetched, from: handed, blankLines: 0 };
  const messages: FetchedMessage[] = [];
  let from = 0;
  let blankLines = 0;
  for (let i = 0; i < fetched.length; i++) {
    if (blank[i] === 1) {
      if (i >= handed) blankLines++;
    } else {
      messages.push(fetched[i] as FetchedMessage);
      if (i < handed) from++;
    }
  }
  return { messages, from, blankLines };
}

/** A batch's fields other than its records: record i is `messages[i]`. */
function messageFields(topic: string, partition: number, messages: readonly FetchedMessage[], nextOffset: number, blankLines: number): Omit<RawBatch, 'records'> {
  const at = (i: number): FetchedMessage => messages[i] as FetchedMessage;
  return {
    origin: (i) => `${topic}/${partition}@${at(i).offset}`,
    key: (i) => at(i).key ?? null,
    bytes: (i) => at(i).value ?? new Uint8Array(0),
    offset: (i) => Number(at(i).offset),
    timestampMs: (i) => Number(at(i).timestamp),
    partition: { key: partitionKey(topic, partition), position: { topic, partition, nextOffset } },
    ...(blankLines > 0 ? { blankLines } : {}),
  };
}

function isBlank(value: Buffer | null): boolean {
  if (value === null || value.length === 0) return true;
  if (value[0] as number > 32) return false;
  for (const b of value) if (b !== 32 && b !== 9 && b !== 10 && b !== 13) return false;
  return true;
}
