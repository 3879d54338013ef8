/**
 * The deployment artifacts (issue 12): Dockerfile, deploy/compose and the Helm chart in
 * deploy/helm/driftmon. Files are checked as text here; scripts/deploy-check.sh runs the tools
 * (hadolint, compose-spec schema, helm lint/template, kubeconform), installing them into .cache
 * on first use. When a tool cannot be installed, these tests skip locally and fail under CI=true.
 * (test/deploy.test.ts covers deploy/prometheus and deploy/grafana.)
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig, resolveConfig } from '../src/config/load.js';
import { REPO, runCli } from './support/cli.js';

const COMPOSE_DIR = join(REPO, 'deploy', 'compose');
const CHART = join(REPO, 'deploy', 'helm', 'driftmon');
const CHECK = join(REPO, 'scripts', 'deploy-check.sh');
const TOOL_UNAVAILABLE = 3;

type Doc = Record<string, any>;

describe('Dockerfile', () => {
  const text = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
  const lines = text.split('\n').filter((l) => !l.trimStart().startsWith('#'));
  const body = lines.join('\n').replace(/\\\n\s*/g, ' ');

  it('builds in two stages on Node 20: npm ci + build, then production dependencies and dist/src only', () => {
    expect(body).toMatch(/^ARG NODE_IMAGE=node:20[.\w-]*$/m);
    expect(body.match(/^FROM \$\{NODE_IMAGE\} AS (\w+)$/gm)).toEqual(['FROM ${NODE_IMAGE} AS build', 'FROM ${NODE_IMAGE} AS runtime']);
    // the install steps of .ci/run
    expect(readFileSync(join(REPO, '.ci', 'run'), 'utf8')).toMatch(/^npm ci --no-audit --no-fund$/m);
    expect(body).toMatch(/^RUN npm ci --no-audit --no-fund$/m);
    expect(body).toMatch(/^RUN npm run build$/m);
    expect(body).toMatch(/^RUN npm ci --omit=dev --no-audit --no-fund /m);
    expect(body).toMatch(/^COPY --from=build \/app\/dist\/src \.\/dist\/src$/m);
  });

  it('runs as a non-root user, checks /healthz with node, and runs the config at /etc/driftmon', () => {
    const user = /^USER (\S+)$/m.exec(body)?.[1];
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(body).toMatch(/^HEALTHCHECK .*CMD \["node", "-e", ".*\/healthz/m);
    expect(body).toMatch(/^ENTRYPOINT \["node", "dist\/src\/main\.js"\]$/m);
    expect(body).toMatch(/^CMD \["run", "--config", "\/etc\/driftmon\/driftmon\.yaml"\]$/m);
  });

  it('.dockerignore lets only the manifests, tsconfig and src/ into the build context', () => {
    const ignore = readFileSync(join(REPO, '.dockerignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(ignore[0]).toBe('*');
    expect(ignore).toEqual(expect.arrayContaining(['!package.json', '!package-lock.json', '!src/']));
  });
});

describe('deploy/compose', () => {
  const compose = parse(readFileSync(join(COMPOSE_DIR, 'compose.yaml'), 'utf8'), { merge: true }) as Doc;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'driftmon-compose-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('validates against the compose-spec schema, and every mounted file exists', () => {
    const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'deploy', 'validate-compose.mjs'), join(COMPOSE_DIR, 'compose.yaml')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('runs two driftmon replicas of one config, Kafka in KRaft mode, an S3 server, Prometheus with the rules, Grafana with the dashboards', () => {
    const s = compose.services as Doc;
    expect(s['driftmon-1'].volumes).toEqual(s['driftmon-2'].volumes);
    expect(s['driftmon-1'].volumes).toContain('./driftmon.yaml:/etc/driftmon/driftmon.yaml:ro');
    expect(s.kafka.environment.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(s.s3.image).toMatch(/versitygw|minio/);
    expect(s.prometheus.volumes).toContain('../prometheus/driftmon-alerts.yml:/etc/prometheus/rules/driftmon-alerts.yml:ro');
    expect(s.grafana.volumes).toContain('../grafana:/var/lib/grafana/dashboards/driftmon:ro');
    expect(s.traffic.entrypoint).toEqual(['node', 'deploy/traffic.mjs']);
    const targets = (parse(readFileSync(join(COMPOSE_DIR, 'prometheus.yml'), 'utf8')) as Doc).scrape_configs[0].static_configs[0].targets;
    expect(targets).toEqual(['driftmon-1:9464', 'driftmon-2:9464']);
    // every published port stays on the host's loopback
    for (const svc of Object.values(s) as Doc[]) for (const p of svc.ports ?? []) expect(p).toMatch(/^127\.0\.0\.1:/);
  });

  it("deploy/compose/driftmon.yaml loads with driftmon's config loader, with the baseline the setup service builds", async () => {
    const baseline = await runCli(['baseline', 'data', '--input', join(REPO, 'examples', 'credit-model', 'baseline.csv'), '--output', join(dir, 'baseline')]);
    expect(baseline.code, baseline.stderr).toBe(0);
    writeFileSync(join(dir, 'driftmon.yaml'), readFileSync(join(COMPOSE_DIR, 'driftmon.yaml')));
    const config = loadConfig(join(dir, 'driftmon.yaml'), compose.services['driftmon-1'].environment);
    const m = config.monitors[0];
    expect(m?.source).toMatchObject({ type: 'kafka', brokers: ['kafka:19092'], topics: ['inference'], groupId: 'driftmon-credit-model' });
    expect(config.output.s3).toMatchObject({ bucket: 'driftmon-reports', endpoint: 'http://s3:7070', forcePathStyle: true });
    expect(config.http).toMatchObject({ host: '0.0.0.0', port: 9464 });
    // compose gives the stop longer than driftmon's own shutdown timeout
    expect(parseInt(compose.services['driftmon-1'].stop_grace_period, 10) * 1000).toBeGreaterThan(config.shutdownTimeoutMs);
    expect(compose.services.setup.environment.S3_BUCKET).toBe(config.output.s3?.bucket);
  });

  it("the traffic generator's events are valid capture records, and only its drifted events drift (income, region)", async () => {
    const sample = (drifted: boolean): string => {
      const args = [join(COMPOSE_DIR, 'traffic.mjs'), 'sample', '3000', ...(drifted ? ['drifted'] : [])];
      const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, TRAFFIC_CSV: join(REPO, 'examples', 'credit-model', 'baseline.csv') } });
      expect(r.status, r.stderr).toBe(0);
      const file = join(dir, drifted ? 'drifted.jsonl' : 'steady.jsonl');
      writeFileSync(file, r.stdout);
      return file;
    };
    const replay = (file: string) => runCli(['replay', '--capture', file, '--baseline', join(dir, 'baseline'), '--window', '1d', '--output', join(dir, 'out')]);
    const steady = await replay(sample(false));
    expect(steady.code, steady.stderr).toBe(0);
    expect(steady.stdout + steady.stderr).toMatch(/3000 records, 3000 rows, 0 invalid/);
    expect(steady.stdout + steady.stderr).toMatch(/no violations/);
    const drifted = await replay(sample(true));
    expect(drifted.stdout + drifted.stderr).toMatch(/drifted \(driftmon's verdict, feature × windows\): income × \d+, region × \d+\n/);
  });
});

/** scripts/deploy-check.sh's outcome, run once for the tests below (installs tools on first use). */
interface CheckRun {
  status: number | null;
  output: string;
  env: Record<string, string>;
}

const run = promisify(execFile);

async function deployCheck(): Promise<CheckRun> {
  let status: number | null = 0;
  let output = '';
  try {
    const r = await run('bash', [CHECK], { cwd: REPO, maxBuffer: 64 * 1024 * 1024, timeout: 15 * 60_000 });
    output = r.stdout + r.stderr;
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    status = typeof err.code === 'number' ? err.code : null;
    output = `${err.stdout ?? ''}${err.stderr ?? ''}`;
  }
  const env: Record<string, string> = {};
  const printed = spawnSync('bash', [CHECK, 'env'], { encoding: 'utf8' }).stdout;
  for (const m of printed.matchAll(/^export (\w+)=(.*)$/gm)) env[m[1] as string] = (m[2] as string).replace(/^'|'$/g, '');
  return { status, output, env };
}

describe('scripts/deploy-check.sh: hadolint, compose schema, helm lint/template, kubeconform', () => {
  let check: CheckRun;
  // a cold install builds helm and kubeconform from source: minutes on 2 cores
  beforeAll(async () => {
    check = await deployCheck();
  }, 20 * 60_000);

  /** Skip locally / fail under CI when a tool could not be installed. */
  const needTools = (skip: (note: string) => void): void => {
    if (check.status !== TOOL_UNAVAILABLE) return;
    const why = `scripts/deploy-check.sh could not install its tools:\n${check.output.slice(-2000)}`;
    if (process.env.CI === 'true') throw new Error(`CI=true and ${why}`);
    skip(why);
  };
  const helm = (...args: string[]) =>
    spawnSync(check.env.DEPLOY_HELM as string, ['template', 'driftmon', CHART, '--kube-version', check.env.DEPLOY_KUBERNETES_VERSION as string, ...args], { encoding: 'utf8' });
  const rendered = (name: string): Doc[] =>
    parseAllDocuments(readFileSync(join(check.env.DEPLOY_RENDERED as string, name), 'utf8'))
      .map((d) => d.toJS() as Doc | null)
      .filter((d): d is Doc => d !== null);

  it('every check passes', (ctx) => {
    needTools((note) => ctx.skip(note));
    expect(check.status, check.output).toBe(0);
    expect(check.output).toMatch(/all checks passed/);
  });

  it('the chart renders a KEDA ScaledObject on the consumer group and a Deployment without replicas, with probes and a grace period above the shutdown timeout', (ctx) => {
    needTools((note) => ctx.skip(note));
    for (const [file, timeoutS] of [['default.yaml', 30], ['all-enabled.yaml', 45]] as const) {
      const docs = rendered(file);
      const deployment = docs.find((d) => d.kind === 'Deployment') as Doc;
      expect(deployment.spec).not.toHaveProperty('replicas');
      const pod = deployment.spec.template.spec;
      const container = pod.containers[0];
      expect(container.livenessProbe.httpGet.path).toBe('/healthz');
      expect(container.readinessProbe.httpGet.path).toBe('/readyz');
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(timeoutS);
      expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      const config = parse((docs.find((d) => d.kind === 'ConfigMap') as Doc).data['driftmon.yaml']) as Doc;
      expect(config.shutdownTimeout).toBe(`${timeoutS}s`);
      // driftmon accepts the rendered config (the baselines are mounted only in the cluster)
      const secrets = { KAFKA_SASL_PASSWORD: 'p', DRIFTMON_LABEL_TOKEN: 't', DRIFTMON_LABEL_TOKEN_NEXT: 't2' };
      const resolved = resolveConfig(config, { baseDir: '/etc/driftmon', checkFiles: false, env: secrets });
      expect(resolved.shutdownTimeoutMs).toBe(timeoutS * 1000);
      expect(resolved.http).toMatchObject({ host: '0.0.0.0', port: container.ports[0].containerPort });
      expect(container.volumeMounts).toContainEqual({ name: 'state', mountPath: config.state.dir });
      const scaled = docs.find((d) => d.kind === 'ScaledObject') as Doc;
      expect(scaled.apiVersion).toBe('keda.sh/v1alpha1');
      expect(scaled.spec.scaleTargetRef.name).toBe(deployment.metadata.name);
      expect(scaled.spec.triggers[0]).toMatchObject({ type: 'kafka', metadata: { consumerGroup: 'driftmon-credit-model', topic: 'inference' } });
      expect(docs.map((d) => d.kind)).toEqual(expect.arrayContaining(['Service', 'PodDisruptionBudget', 'ServiceAccount']));
    }
    const all = rendered('all-enabled.yaml');
    expect(all.map((d) => d.kind)).toEqual(expect.arrayContaining(['ServiceMonitor', 'TriggerAuthentication']));
    // secrets reach driftmon as the variables its config names
    const env = ((all.find((d) => d.kind === 'Deployment') as Doc).spec.template.spec.containers[0].env as Doc[]).map((e) => e.name);
    expect(env).toEqual(expect.arrayContaining(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'KAFKA_SASL_PASSWORD', 'DRIFTMON_LABEL_TOKEN', 'DRIFTMON_LABEL_TOKEN_NEXT']));
  });

  it('rendering fails, saying why, when maxReplicas exceeds the partitions or the grace period is not above the shutdown timeout', (ctx) => {
    needTools((note) => ctx.skip(note));
    const tooMany = helm('--set', 'keda.maxReplicas=6', '--set', 'kafka.partitions=4');
    expect(tooMany.status).not.toBe(0);
    expect(tooMany.stderr).toMatch(/keda\.maxReplicas \(6\) exceeds kafka\.partitions \(4\)/);
    const shortGrace = helm('--set', 'shutdownTimeoutSeconds=60', '--set', 'terminationGracePeriodSeconds=60');
    expect(shortGrace.status).not.toBe(0);
    expect(shortGrace.stderr).toMatch(/terminationGracePeriodSeconds \(60\) must be longer than shutdownTimeoutSeconds \(60\)/);
    // --set would replace the whole monitors list: a values file keeps the rest of the monitor
    const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as Doc;
    values.config.monitors[0].source.sasl = { mechanism: 'plain', username: 'u', passwordEnv: 'KAFKA_SASL_PASSWORD' };
    const file = join(mkdtempSync(join(tmpdir(), 'driftmon-helm-')), 'sasl.yaml');
    writeFileSync(file, JSON.stringify({ config: values.config }));
    const saslWithoutSecret = helm('-f', file);
    expect(saslWithoutSecret.status).not.toBe(0);
    expect(saslWithoutSecret.stderr).toMatch(/secrets\.kafkaSasl\.existingSecret/);
    // at the limit it renders
    expect(helm('--set', 'keda.maxReplicas=4', '--set', 'kafka.partitions=4').status).toBe(0);
  });
});
