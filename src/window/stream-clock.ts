/**
 * The stream time of one ordered stream (a Kafka partition, or a file/stdin input), safe against
 * outliers: each record moves stream time to the smaller of its own event time and the previous
 * record's, never back. A record ahead of the one before it therefore counts only once the next
 * record confirms it (up to that record's own time): one record far ahead — a wrong clock, a typo
 * in a year — cannot move stream time by itself and make every later record late, while after a
 * real gap in traffic the second record of the new traffic moves it.
 *
 * It depends only on the order of records within the stream, not on batching, so a replay or a
 * restart from a checkpoint (confirmedMs and lastMs are saved) closes the same windows. The price:
 * in order, stream time trails the newest record by one record.
 */
export class StreamClock {
  /** Stream time: the largest confirmed event time (−∞ before two records). */
  confirmedMs = Number.NEGATIVE_INFINITY;
  /** The latest record's event time, which the next record confirms or not. */
  lastMs = Number.NEGATIVE_INFINITY;

  /** One record (all rows of a record share its event time: call once per record). */
  record(t: number): void {
    const confirmed = t < this.lastMs ? t : this.lastMs;
    if (confirmed > this.confirmedMs) this.confirmedMs = confirmed;
    this.lastMs = t;
  }

  restore(confirmedMs: number, lastMs: number): void {
    this.confirmedMs = confirmedMs;
    this.lastMs = lastMs;
  }
}
