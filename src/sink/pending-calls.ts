/** Calls an action sink runs in the background (off the monitor's path), bounded; flush() waits for them. */
export class PendingCalls {
  private readonly calls = new Set<Promise<void>>();

  constructor(readonly max: number) {}

  /** Whether another call may start (false: too many waiting; the caller counts it skipped). */
  get hasRoom(): boolean {
    return this.calls.size < this.max;
  }

  track(p: Promise<void>): void {
    this.calls.add(p);
    void p.finally(() => this.calls.delete(p));
  }

  /** Resolves once every call tracked so far has settled (each handles its own failure). */
  async settled(): Promise<void> {
    await Promise.all([...this.calls]);
  }
}
