import { Counter, Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { GaugeSeries } from './gauge-series.js';

describe('GaugeSeries', () => {
  it('drops exactly the series set under a scope, and passes counters and unscoped sets through', async () => {
    const registry = new Registry();
    const metrics = {
      value: new Gauge({ name: 'v', help: 'v', labelNames: ['window', 'feature'] as const, registers: [registry] }),
      total: new Counter({ name: 't', help: 't', labelNames: ['window'] as const, registers: [registry] }),
    };
    const series = new GaugeSeries();
    const m = series.recording(metrics);
    m.value.labels('1h', 'threshold').set(1); // outside any scope: kept
    series.within('1h', () => {
      m.value.labels('1h', 'a').set(2);
      m.value.labels('1h', 'b').set(3);
    });
    series.within('1m', () => m.value.labels('1m', 'a').set(4));
    m.total.labels('1h').inc();
    series.retract('1h');
    const left = (await registry.getSingleMetric('v')?.get())?.values.map((v) => `${v.labels.window}/${v.labels.feature}=${v.value}`);
    expect(left?.sort()).toEqual(['1h/threshold=1', '1m/a=4']);
    expect((await registry.getSingleMetric('t')?.get())?.values[0]?.value).toBe(1);
    series.retract('1h'); // again: nothing left to drop
    expect((await registry.getSingleMetric('v')?.get())?.values).toHaveLength(2);
  });
});
