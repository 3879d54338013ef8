/**
 * deploy/alertmanager/alertmanager.yml, the example routing of driftmon's alerts: it passes
 * `amtool check-config`; each alert of deploy/prometheus/driftmon-alerts.yml, with its severity,
 * reaches the receivers the file's comments promise (`amtool config routes test`); and every alert
 * name its routes and inhibit rules match is one the rules define (a renamed alert would otherwise
 * silently stop routing). amtool is the Debian package prometheus-alertmanager
 * (scripts/services/services.sh install); without it the amtool tests skip locally and fail under CI=true.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO } from './support/cli.js';
import { firstExecutable } from './support/executable.js';
import { describeRequiring } from './support/services.js';

const DIR = join(REPO, 'deploy', 'alertmanager');
const CONFIG = join(DIR, 'alertmanager.yml');

interface Rule {
  alert?: string;
  labels?: { severity?: string };
}
interface Matchers {
  matchers?: string[];
  source_matchers?: string[];
  target_matchers?: string[];
  routes?: Matchers[];
}

/** Alert name → severity, from the Prometheus rules. */
function ruleAlerts(): Map<string, string> {
  const doc = parse(readFileSync(join(REPO, 'deploy', 'prometheus', 'driftmon-alerts.yml'), 'utf8')) as { groups: { rules: Rule[] }[] };
  const out = new Map<string, string>();
  for (const g of doc.groups) for (const r of g.rules) if (r.alert !== undefined) out.set(r.alert, r.labels?.severity ?? '');
  return out;
}

/** Every alert name an `alertname` matcher of the routes and inhibit rules names (a regex's alternatives each). */
function matchedAlertNames(): string[] {
  const doc = parse(readFileSync(CONFIG, 'utf8')) as { route: Matchers; inhibit_rules: Matchers[] };
  const names: string[] = [];
  const walk = (m: Matchers): void => {
    for (const s of [...(m.matchers ?? []), ...(m.source_matchers ?? []), ...(m.target_matchers ?? [])]) {
      const hit = /^alertname\s*(=~|=)\s*"([^"]*)"$/.exec(s.trim());
      if (hit) names.push(...(hit[1] === '=~' ? (hit[2] as string).split('|') : [hit[2] as string]));
    }
    for (const r of m.routes ?? []) walk(r);
  };
  walk(doc.route);
  for (const r of doc.inhibit_rules) walk(r);
  return names;
}

describe('deploy/alertmanager: alert names', () => {
  it('every alert its routes and inhibit rules match is defined by deploy/prometheus/driftmon-alerts.yml', () => {
    const defined = ruleAlerts();
    const named = matchedAlertNames();
    expect(named.length).toBeGreaterThanOrEqual(10);
    expect(named.filter((n) => !defined.has(n))).toEqual([]);
  });
});

const tool = firstExecutable(['/usr/bin/amtool', '/usr/local/bin/amtool']);
if (tool === undefined) {
  describeRequiring('deploy/alertmanager passes amtool', 'needs amtool (Debian package prometheus-alertmanager: scripts/services/services.sh install)');
} else {
  describe('deploy/alertmanager with amtool', () => {
    const run = (...args: string[]): string => execFileSync(tool, args, { cwd: DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

    it('passes amtool check-config', () => {
      expect(run('check-config', 'alertmanager.yml')).toMatch(/SUCCESS/);
    });

    it('routes each alert of the rules: verdicts to the retraining pipeline and the chat, critical ones by email, the rest to the chat', () => {
      const verdicts = new Set(['DriftmonFeatureDrift', 'DriftmonModelQualityViolation', 'DriftmonBiasDrift', 'DriftmonFeatureAttributionDrift']);
      const got: string[] = [];
      const want: string[] = [];
      for (const [alert, severity] of ruleAlerts()) {
        got.push(`${alert}: ${run('config', 'routes', 'test', '--config.file=alertmanager.yml', `alertname=${alert}`, `severity=${severity}`, 'monitor=credit').trim()}`);
        want.push(`${alert}: ${verdicts.has(alert) ? 'retraining-pipeline,ml-team-chat' : severity === 'critical' ? 'oncall-email' : 'ml-team-chat'}`);
      }
      expect(got).toEqual(want);
      expect(got.filter((g) => g.includes('retraining-pipeline'))).toHaveLength(verdicts.size);
    });
  });
}
