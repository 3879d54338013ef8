/** Waiting on a running app in integration tests: a condition polled until a deadline, and a metric's sum. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Registry } from 'prom-client';

/** Poll `ok` every 200 ms until it holds; throws naming `what` after timeoutMs. */
export async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** The sum of metric `name`'s values, over the series whose label matches `label` when given. */
export async function metricSum(registry: Registry, name: string, label?: [string, string]): Promise<number> {
  const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  return values.filter((v) => label === undefined || v.labels[label[0]] === label[1]).reduce((a, v) => a + v.value, 0);
}
