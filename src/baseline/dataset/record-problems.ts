import { DriftmonError, ErrorCode } from '../../errors.js';

/** At most this many bad records are listed in an INPUT_UNREADABLE error. */
const MAX_LISTED_PROBLEMS = 20;

/** Collects per-record problems; throws INPUT_UNREADABLE listing them at the end. */
export class RecordProblems {
  readonly list: string[] = [];
  count = 0;

  add(message: string): void {
    this.count++;
    if (this.list.length < MAX_LISTED_PROBLEMS) this.list.push(message);
  }

  throwIfAny(input: string, what: string): void {
    if (this.count === 0) return;
    const details = [...this.list];
    if (this.count > this.list.length) details.push(`… and ${this.count - this.list.length} more`);
    throw new DriftmonError(ErrorCode.INPUT_UNREADABLE, `${input}: ${this.count} ${what}`, { details });
  }
}
