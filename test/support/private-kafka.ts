/**
 * A private Kafka broker for one test file: its own single-node KRaft broker+controller from the
 * jars scripts/services/services.sh installs under .cache/services/kafka/libs/<version>, its own
 * free ports on 127.0.0.1 and its own data directory under a tmp folder, set up the way services.sh
 * sets up the shared one (same server.properties choices, storage formatted once). Unlike the shared
 * broker it can be stopped and started again on the same ports and data, to simulate an outage
 * without disturbing other tests. describeWithPrivateKafka skips a suite locally when Java or the
 * jars are missing and fails it under CI=true, like describeWithVersitygw.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ChildService, privateServer, type PrivateServer } from './child-service.js';
import { freePort } from './private-s3.js';
import { cachedVersions, describeWhenFound } from './services.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const READY_PROBE = join(REPO, 'scripts', 'services', 'kafka-ready.mjs');
const CLUSTER_ID = 'x7Hq2Zb9TnmJd0cLkq1Pwg';
const run = promisify(execFile);

export interface KafkaInstall {
  java: string;
  /** The folder of jars (kafka_2.13 and its runtime dependencies, one SLF4J binding). */
  libs: string;
}

/** Java and the newest complete jar folder under .cache/services/kafka/libs, or undefined. */
export function findKafkaInstall(): KafkaInstall | undefined {
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : findOnPath('java');
  if (java === undefined || !existsSync(java)) return undefined;
  const root = join(REPO, '.cache', 'services', 'kafka', 'libs');
  const complete = cachedVersions(root).find((v) => existsSync(join(root, v, '.complete')));
  return complete === undefined ? undefined : { java, libs: join(root, complete) };
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** describe() when Java and the Kafka jars are installed; otherwise skipped locally, failing under CI=true. */
export function describeWithPrivateKafka(title: string, body: (install: KafkaInstall) => void): void {
  describeWhenFound(title, findKafkaInstall, 'needs Java 17+ and the Kafka jars (install them with scripts/services/services.sh install)', body);
}

export interface PrivateKafka extends PrivateServer {
  readonly brokers: string[];
}

/** Formats storage in a new tmp folder and starts a private broker on two free ports. */
export async function startPrivateKafka(install: KafkaInstall | undefined = findKafkaInstall()): Promise<PrivateKafka> {
  if (install === undefined) throw new Error('Java or the Kafka jars not found (scripts/services/services.sh install)');
  const root = mkdtempSync(join(tmpdir(), 'driftmon-private-kafka-'));
  const dataDir = join(root, 'data');
  const javaTmp = join(root, 'tmp');
  mkdirSync(dataDir);
  mkdirSync(javaTmp);
  const logFile = join(root, 'kafka.log');
  const port = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === port) controllerPort = await freePort();
  const properties = join(root, 'server.properties');
  writeFileSync(properties, serverProperties(port, controllerPort, dataDir));
  const log4j = join(root, 'log4j2.properties');
  writeFileSync(log4j, LOG4J);
  const common = [`-Dlog4j2.configurationFile=${log4j}`, `-Dkafka.logs.dir=${root}`, `-Djava.io.tmpdir=${javaTmp}`, '-cp', `${install.libs}/*`];
  // the storage tool is short-lived: small heap, serial GC, C1 only (as services.sh does)
  await run(install.java, ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', ...common, 'kafka.tools.StorageTool', 'format', '-t', CLUSTER_ID, '-c', properties]);

  const brokers = [`127.0.0.1:${port}`];
  const server = new ChildService({
    name: 'kafka',
    command: install.java,
    args: ['-Xms128m', '-Xmx512m', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-Djava.awt.headless=true', ...common, 'kafka.Kafka', properties],
    logFile,
    // a Metadata answer listing the broker: the port alone opens before requests are served
    ready: () => run(process.execPath, [READY_PROBE, brokers[0] as string, '2000']).then(() => true, () => false),
    readyTimeoutMs: 120_000,
    killAfterMs: 15_000,
  });
  await server.start();
  return Object.assign(privateServer(server, { port, dataDir, logFile, root }), { brokers });
}

/** The last lines of the broker's log, for a failing test's message. */
export function kafkaLogTail(k: PrivateKafka, lines = 40): string {
  return existsSync(k.logFile) ? readFileSync(k.logFile, 'utf8').split('\n').slice(-lines).join('\n') : '';
}

/** services.sh's settings: single-partition internal topics and no initial rebalance delay. */
function serverProperties(port: number, controllerPort: number, dataDir: string): string {
  return `process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controllerPort}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${dataDir}
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
`;
}

const LOG4J = `status = warn
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = STDOUT
logger.req.name = kafka.request.logger
logger.req.level = WARN
logger.state.name = state.change.logger
logger.state.level = WARN
`;
