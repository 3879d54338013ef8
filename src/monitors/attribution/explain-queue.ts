/**
 * The bounded queue between an attribution monitor's window closes and the model endpoint: `offer`
 * never waits (a full queue refuses, and the caller counts the sample as skipped), and at most
 * `concurrency` jobs run at once, each an async call. Consumption therefore never waits for the
 * endpoint: a slow or dead endpoint fills the queue, and what does not fit is skipped.
 */
export class ExplainQueue<J> {
  private readonly jobs: J[] = [];
  private head = 0;
  private running = 0;
  private stopped = false;

  constructor(
    private readonly capacity: number,
    private readonly concurrency: number,
    private readonly work: (job: J) => Promise<void>,
    private readonly onDepth: (depth: number) => void = () => undefined,
  ) {}

  /** Jobs waiting (not running). */
  get depth(): number {
    return this.jobs.length - this.head;
  }

  /** Queue `job`, or false when the queue is full (or stopped). */
  offer(job: J): boolean {
    if (this.stopped || this.depth >= this.capacity) return false;
    this.jobs.push(job);
    this.onDepth(this.depth);
    this.pump();
    return true;
  }

  /** Run no more jobs; those waiting are returned (the caller accounts for them). */
  stop(): J[] {
    this.stopped = true;
    const left = this.jobs.slice(this.head);
    this.jobs.length = 0;
    this.head = 0;
    this.onDepth(0);
    return left;
  }

  private pump(): void {
    while (!this.stopped && this.running < this.concurrency && this.depth > 0) {
      const job = this.jobs[this.head++] as J;
      if (this.head > 1024 && this.head * 2 > this.jobs.length) {
        this.jobs.splice(0, this.head);
        this.head = 0;
      }
      this.onDepth(this.depth);
      this.running++;
      // work() reports its own outcome; a throw here would be a bug of ours, not the endpoint's
      void this.work(job).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }
}
