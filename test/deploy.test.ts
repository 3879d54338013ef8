/**
 * deploy/ is part of what users run: the Prometheus config and alert rules must pass promtool
 * (including the rules' unit tests), and every Grafana query must be valid PromQL to a real
 * Prometheus (dashboard variables replaced by match-all regexes).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO } from './support/cli.js';
import { firstExecutable } from './support/executable.js';
import { prometheusBinary } from './support/private-prometheus.js';
import { describeRequiring, describeWithServices } from './support/services.js';

const PROM = join(REPO, 'deploy', 'prometheus');
const GRAFANA = join(REPO, 'deploy', 'grafana');

function promtool(): string | undefined {
  const prom = prometheusBinary();
  return firstExecutable([prom === undefined ? undefined : join(dirname(prom), 'promtool'), '/usr/bin/promtool']);
}

const tool = promtool();
if (tool === undefined) {
  describeRequiring('deploy/prometheus passes promtool', 'needs promtool (Debian package prometheus: scripts/services/services.sh install)');
} else {
  it('deploy/prometheus: rules and config pass promtool, and the rules pass their unit tests', () => {
    const run = (...args: string[]): string => execFileSync(tool, args, { cwd: PROM, encoding: 'utf8' });
    expect(run('check', 'rules', 'driftmon-alerts.yml')).toMatch(/SUCCESS/);
    expect(run('test', 'rules', 'driftmon-alerts.test.yml')).toMatch(/SUCCESS/);
    expect(run('check', 'config', '--syntax-only', 'prometheus.yml')).toMatch(/SUCCESS/);
  });
}

/** Every `expr` in a dashboard, with $variables as match-all. */
function dashboardQueries(file: string): string[] {
  const out: string[] = [];
  const walk = (o: unknown): void => {
    if (Array.isArray(o)) o.forEach(walk);
    else if (o !== null && typeof o === 'object') {
      for (const [k, v] of Object.entries(o)) {
        if (k === 'expr' && typeof v === 'string') out.push(v.replace(/\$\{?(\w+)\}?/g, '.*').replace(/\$__\w+/g, '5m'));
        else walk(v);
      }
    }
  };
  walk(JSON.parse(readFileSync(file, 'utf8')));
  return out;
}

describeWithServices(['prometheus'], 'deploy/grafana queries on a real Prometheus', ({ prometheus }) => {
  it('every dashboard query is valid PromQL', async () => {
    const files = readdirSync(GRAFANA).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    const bad: string[] = [];
    let n = 0;
    for (const f of files) {
      for (const q of dashboardQueries(join(GRAFANA, f))) {
        n++;
        const res = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(q)}`);
        const body = (await res.json()) as { status: string; error?: string };
        if (body.status !== 'success') bad.push(`${f}: ${q}: ${body.error}`);
      }
    }
    expect(bad).toEqual([]);
    expect(n).toBeGreaterThan(20);
  });
});
