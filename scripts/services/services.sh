#!/usr/bin/env bash
# Real services on 127.0.0.1 for driftmon's integration tests, without Docker:
#   - Apache Kafka 4.x, single-node KRaft (broker+controller), from Maven Central jars
#   - versitygw (Versity S3 Gateway), an S3-compatible server with a posix backend, via `go install`
#   - Prometheus (Debian package), scraping driftmon's metrics endpoint
#
# Usage: scripts/services/services.sh install|up|down|status|env
#   install  fetch whatever is missing into .cache/services/ (idempotent; apt-get for prometheus)
#   up       (re)start all three with fresh data under .cache/services/run/, wait until ready,
#            create the S3 bucket "driftmon-test"
#   down     stop everything `up` started (by pid file), leave nothing running
#   status   report state, addresses and RSS of each service; exit 0 only if all are running
#   env      print `export …` lines for tests:  eval "$(scripts/services/services.sh env)"
#
# Background and sources for the choices below: /work/shared/docs/test-infrastructure.md
# (sections 1 Kafka, 3.2 versitygw, 4.1 Prometheus).
set -euo pipefail

# ---------------------------------------------------------------------------------------------
# Versions and settings (env overrides in parentheses)
# ---------------------------------------------------------------------------------------------

# Kafka 4.2.1: the release whose build files the recipe was read at (apache/kafka@4.2.1).
# LOG4J2_VERSION must equal versions.log4j2 in Kafka's gradle/dependencies.gradle for that
# release (4.2.1 -> 2.25.4). Kafka's POM brings no SLF4J binding, so we add log4j-slf4j-impl
# (the SLF4J 1.x binding: Kafka 4.2 still uses SLF4J 1.7.36) and align log4j-api/-core to it
# with the log4j BOM. Bumping Kafka means re-checking that number (see doc section 1.4).
KAFKA_VERSION="${KAFKA_VERSION:-4.2.1}"
LOG4J2_VERSION="${LOG4J2_VERSION:-2.25.4}"
# Pinned: a bare `dependency:` prefix would resolve to whatever is newest on Central.
# 3.8.1 runs on the Maven 3.8.7 shipped by Debian bookworm.
MAVEN_DEPENDENCY_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
# versitygw: newest semver tag on the Go proxy; pure Go (cmd/versitygw needs no cgo),
# no `replace` directives in go.mod, so `go install module@version` is allowed.
VERSITYGW_VERSION="${VERSITYGW_VERSION:-v1.8.0}"

# Fixed test credentials / names (tests read them through `env`).
S3_ACCESS_KEY="driftmon-test"
S3_SECRET_KEY="driftmon-test-secret"
S3_REGION="us-east-1"
S3_BUCKET="driftmon-test"
# Fixed KRaft cluster id (16-byte base64url UUID; must not start with '-').
KAFKA_CLUSTER_ID="j1p9qoFrnSwN1nn2KfLzOw"

# Preferred ports; if one is taken, `up` picks the next free one above it.
KAFKA_PORT_PREF="${DRIFTMON_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT_PREF="${DRIFTMON_KAFKA_CONTROLLER_PORT:-9093}"
S3_PORT_PREF="${DRIFTMON_S3_PORT:-7070}"
PROMETHEUS_PORT_PREF="${DRIFTMON_PROMETHEUS_PORT:-9099}"
# What Prometheus scrapes: driftmon's /metrics endpoint.
METRICS_TARGET="${DRIFTMON_METRICS_TARGET:-127.0.0.1:9464}"
# Optional rule files for Prometheus (a path or glob, e.g. deploy/prometheus/rules.yml).
PROMETHEUS_RULES="${DRIFTMON_PROMETHEUS_RULES:-}"

# Readiness timeouts (seconds). Kafka: JVM start + single-voter election + unfencing.
KAFKA_TIMEOUT="${DRIFTMON_KAFKA_TIMEOUT:-120}"
S3_TIMEOUT="${DRIFTMON_S3_TIMEOUT:-30}"
PROMETHEUS_TIMEOUT="${DRIFTMON_PROMETHEUS_TIMEOUT:-30}"

# ---------------------------------------------------------------------------------------------
# Paths
# ---------------------------------------------------------------------------------------------
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SCRIPT_DIR/../.." && pwd)"
CACHE="$REPO/.cache/services"                        # git-ignored (.cache/ in .gitignore)
KAFKA_LIBS="$CACHE/kafka/libs/$KAFKA_VERSION-log4j-$LOG4J2_VERSION"  # one folder per version pair
VERSITYGW_BIN="$CACHE/versitygw/$VERSITYGW_VERSION/versitygw"
INSTALL_LOGS="$CACHE/install-logs"
RUN="$CACHE/run"                                     # wiped by every `up`
STATE="$RUN/services.env"                            # written by `up`, printed by `env`
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
SERVICES=(kafka s3 prometheus)

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found on PATH ($2)"; }

# Run as root, or through sudo when available (apt-get only).
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else need sudo "needed to apt-get install"; sudo "$@"; fi; }

# ---------------------------------------------------------------------------------------------
# install
# ---------------------------------------------------------------------------------------------
install_kafka() {
  if [ -f "$KAFKA_LIBS/.complete" ]; then log "kafka $KAFKA_VERSION jars: cached ($KAFKA_LIBS)"; return 0; fi
  need "$JAVA" "Kafka 4.x needs Java 17+"
  need mvn "used to resolve Kafka's jars from Maven Central"
  local javamajor
  javamajor="$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  [ "${javamajor%%.*}" -ge 17 ] 2>/dev/null || die "Kafka 4.x brokers need Java 17+, found '$javamajor'"

  log "kafka $KAFKA_VERSION jars: resolving from Maven Central (log4j $LOG4J2_VERSION)"
  local pomdir="$CACHE/kafka/pom-$KAFKA_VERSION"
  rm -rf "$KAFKA_LIBS" && mkdir -p "$KAFKA_LIBS" "$pomdir" "$INSTALL_LOGS"
  # kafka_2.13 (the "core" module: kafka.Kafka, kafka.tools.StorageTool) brings every other
  # server module transitively at runtime scope. Not kafka-tools: it is only CLI commands and
  # drags in Connect/Jetty. Only 2.13 Scala artifacts exist for 4.x.
  cat > "$pomdir/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.driftmon</groupId>
  <artifactId>kafka-test-broker-libs</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencyManagement>
    <dependencies>
      <!-- aligns log4j-api/-core/-slf4j-impl, overriding the transitive log4j versions -->
      <dependency>
        <groupId>org.apache.logging.log4j</groupId><artifactId>log4j-bom</artifactId>
        <version>$LOG4J2_VERSION</version><type>pom</type><scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId></dependency>
  </dependencies>
</project>
EOF
  if ! mvn -B -ntp -f "$pomdir/pom.xml" "$MAVEN_DEPENDENCY_PLUGIN:copy-dependencies" \
      -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS" > "$INSTALL_LOGS/maven.log" 2>&1; then
    tail -n 40 "$INSTALL_LOGS/maven.log" >&2
    die "maven could not collect Kafka's jars (full log: $INSTALL_LOGS/maven.log)"
  fi
  # Guard against the two classic pitfalls: no/duplicate SLF4J binding, mixed log4j versions.
  local j
  for j in kafka_2.13-$KAFKA_VERSION log4j-api-$LOG4J2_VERSION log4j-core-$LOG4J2_VERSION log4j-slf4j-impl-$LOG4J2_VERSION; do
    [ -f "$KAFKA_LIBS/$j.jar" ] || die "expected $j.jar in $KAFKA_LIBS"
  done
  local bindings
  bindings="$(cd "$KAFKA_LIBS" && ls | grep -E '^(log4j-slf4j2?-impl|slf4j-reload4j|slf4j-log4j12|logback-classic|slf4j-simple)-' || true)"
  [ "$(printf '%s\n' "$bindings" | grep -c .)" -eq 1 ] || die "expected exactly one SLF4J binding, found: $bindings"
  [ "$(cd "$KAFKA_LIBS" && ls log4j-core-*.jar | wc -l)" -eq 1 ] || die "more than one log4j-core version in $KAFKA_LIBS"
  touch "$KAFKA_LIBS/.complete"
  log "kafka jars: $(ls "$KAFKA_LIBS"/*.jar | wc -l) jars, $(du -sh "$KAFKA_LIBS" | cut -f1)"
}

install_versitygw() {
  if [ -x "$VERSITYGW_BIN" ]; then log "versitygw $VERSITYGW_VERSION: cached ($VERSITYGW_BIN)"; return 0; fi
  need go "versitygw is built from the Go module proxy"
  log "versitygw $VERSITYGW_VERSION: go install (cold build takes minutes on 2 cores)"
  mkdir -p "$(dirname "$VERSITYGW_BIN")" "$INSTALL_LOGS"
  # CGO_ENABLED=0: cmd/versitygw is pure Go (only rdma/ and cuobjclient/ use cgo, other cmds).
  # GOBIN puts the binary in our cache instead of $(go env GOPATH)/bin; the module cache stays
  # Go's default (~/go/pkg/mod) so other projects/CI caches can share it.
  if ! CGO_ENABLED=0 GOBIN="$(dirname "$VERSITYGW_BIN")" \
      go install -trimpath "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION" \
      > "$INSTALL_LOGS/versitygw.log" 2>&1; then
    tail -n 40 "$INSTALL_LOGS/versitygw.log" >&2
    die "go install of versitygw failed (full log: $INSTALL_LOGS/versitygw.log)"
  fi
  # (the binary reports "Version git": go install sets no -ldflags version stamp)
  log "versitygw $VERSITYGW_VERSION: built ($(du -h "$VERSITYGW_BIN" | cut -f1))"
}

install_prometheus() {
  if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
    log "prometheus: present ($(prometheus --version 2>&1 | head -n 1))"; return 0
  fi
  log "prometheus: apt-get install prometheus (Debian bookworm ships 2.42)"
  as_root apt-get update
  # The package's postinst tries to start a system daemon on :9090; in containers policy-rc.d
  # refuses that. We never use that daemon: `up` runs our own instance on 127.0.0.1.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus
}

# amtool (test/deploy-alertmanager.test.ts checks deploy/alertmanager with it); about 10 s. Its own
# apt-get update: on a machine that already had prometheus, install_prometheus ran none.
install_alertmanager() {
  if command -v amtool >/dev/null 2>&1; then
    log "amtool: present ($(amtool --version 2>&1 | head -n 1))"; return 0
  fi
  log "amtool: apt-get install prometheus-alertmanager"
  as_root apt-get update
  # like prometheus, its postinst's daemon start is refused in containers; we never run it
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus-alertmanager
}

cmd_install() {
  local t0=$SECONDS t
  mkdir -p "$CACHE"
  t=$SECONDS; install_prometheus; log "  prometheus step: $((SECONDS - t))s"
  # not fatal: only that test needs it, and it fails under CI=true, naming the package
  t=$SECONDS; install_alertmanager || log "WARNING: prometheus-alertmanager not installed: test/deploy-alertmanager.test.ts will fail"; log "  alertmanager step: $((SECONDS - t))s"
  t=$SECONDS; install_kafka;      log "  kafka step: $((SECONDS - t))s"
  t=$SECONDS; install_versitygw;  log "  versitygw step: $((SECONDS - t))s"
  need node "used for the Kafka readiness probe"
  need curl "used for S3/Prometheus readiness and bucket creation"
  log "install done in $((SECONDS - t0))s"
}

# ---------------------------------------------------------------------------------------------
# process helpers
# ---------------------------------------------------------------------------------------------
pidfile() { echo "$RUN/$1.pid"; }
logfile() { echo "$RUN/$1.log"; }

# A pid counts as ours only if it is alive AND its command line mentions our run dir
# (protects against killing an unrelated process that reused a stale pid).
svc_pid() {
  local f; f="$(pidfile "$1")"
  [ -f "$f" ] || return 1
  local pid; pid="$(cat "$f")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "$RUN" || return 1
  echo "$pid"
}

rss_of() { awk '/^VmRSS:/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"; }

# Something (anything) accepts TCP connections on 127.0.0.1:$1.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# First free port >= $1, skipping the ports listed in $2 (already chosen by us).
pick_port() {
  local p="$1" taken=" ${2:-} "
  for _ in $(seq 0 100); do
    if [[ "$taken" != *" $p "* ]] && ! port_busy "$p"; then echo "$p"; return 0; fi
    p=$((p + 1))
  done
  die "no free port found from $1 upwards"
}

# start NAME CMD...: detached (own session, stdin closed), output to $RUN/NAME.log, pid file.
start_bg() {
  local name="$1"; shift
  setsid "$@" > "$(logfile "$name")" 2>&1 < /dev/null &
  echo $! > "$(pidfile "$name")"
}

fail_with_log() {
  local name="$1" msg="$2"
  printf '[services] ERROR: %s\n--- last 40 lines of %s ---\n' "$msg" "$(logfile "$name")" >&2
  tail -n 40 "$(logfile "$name")" >&2 || true
  printf -- '---\n' >&2
  cmd_down >&2 || true
  exit 1
}

# wait_ready NAME TIMEOUT PROBE...: poll PROBE every 0.5 s; fail fast if the process died.
wait_ready() {
  local name="$1" timeout="$2"; shift 2
  local t0=$SECONDS
  until "$@" >/dev/null 2>&1; do
    svc_pid "$name" >/dev/null || fail_with_log "$name" "$name exited during start-up"
    [ $((SECONDS - t0)) -lt "$timeout" ] || fail_with_log "$name" "$name not ready after ${timeout}s"
    sleep 0.5
  done
}

# Signed S3 request with curl's built-in SigV4 (curl >= 7.75; no aws CLI / botocore needed).
# UNSIGNED-PAYLOAD is sent as x-amz-content-sha256, which S3 accepts and curl then signs as-is.
s3_curl() {
  curl -fsS --max-time 10 --aws-sigv4 "aws:amz:$S3_REGION:s3" --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$@"
}

# ---------------------------------------------------------------------------------------------
# up
# ---------------------------------------------------------------------------------------------
write_kafka_config() {
  mkdir -p "$RUN/kafka/data" "$RUN/kafka/logs" "$RUN/kafka/tmp"
  # Static quorum (controller.quorum.voters), so `format` needs no --standalone (they are
  # mutually exclusive). Single-partition internal topics and no initial rebalance delay keep
  # the first consumer-group join fast on 2 cores (test choices, not upstream defaults).
  cat > "$RUN/kafka/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$RUN/kafka/data
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
EOF
  # Log4j 2 in .properties format (the tarball's log4j2.yaml is not in any jar, and .properties
  # needs no YAML support). Console only -> $RUN/kafka.log. Keep KafkaRaftServer at INFO: its
  # "Kafka Server started" line is the first readiness signal.
  cat > "$RUN/kafka/log4j2.properties" <<'EOF'
status = warn
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
logger.raft.name = kafka.server.KafkaRaftServer
logger.raft.level = INFO
EOF
}

start_kafka() {
  write_kafka_config
  local common=(-Dlog4j2.configurationFile="$RUN/kafka/log4j2.properties" -Dkafka.logs.dir="$RUN/kafka/logs"
                -Djava.io.tmpdir="$RUN/kafka/tmp" -cp "$KAFKA_LIBS/*")
  # Format: short-lived tool, so a small heap, serial GC and C1-only JIT for a faster start.
  if ! "$JAVA" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "${common[@]}" \
      kafka.tools.StorageTool format -t "$KAFKA_CLUSTER_ID" -c "$RUN/kafka/server.properties" \
      > "$RUN/kafka-format.log" 2>&1; then
    cat "$RUN/kafka-format.log" >&2; die "kafka StorageTool format failed"
  fi
  # Broker: Kafka's own kafka-run-class.sh GC flags with the heap cut from 1G/1G for tests.
  # java.io.tmpdir under the run dir: zstd-jni/snappy unpack native libs there (noexec /tmp).
  # No JMX, no GC log.
  start_bg kafka "$JAVA" -Xms256m -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
    "${common[@]}" kafka.Kafka "$RUN/kafka/server.properties"
}

start_s3() {
  mkdir -p "$RUN/s3/data"
  # posix backend: buckets are directories under the data dir, object metadata in user xattrs
  # (ext4/xfs/tmpfs have them; add --sidecar DIR on a filesystem without). Root credentials
  # come from the environment. --region is what SigV4 requests must be scoped to.
  start_bg s3 env ROOT_ACCESS_KEY="$S3_ACCESS_KEY" ROOT_SECRET_KEY="$S3_SECRET_KEY" \
    "$VERSITYGW_BIN" --port "127.0.0.1:$S3_PORT" --region "$S3_REGION" \
    posix "$RUN/s3/data"
}

start_prometheus() {
  mkdir -p "$RUN/prometheus/data"
  # 1 s scrape so tests see samples quickly. Note: a new target still takes ~5 s to appear
  # (service discovery batches updates every 5 s): tests must poll `up{job="driftmon"}==1`.
  {
    echo "global: {scrape_interval: 1s, evaluation_interval: 1s}"
    [ -n "$PROMETHEUS_RULES" ] && echo "rule_files: ['$PROMETHEUS_RULES']"
    echo "scrape_configs:"
    echo "  - job_name: driftmon"
    echo "    static_configs: [{targets: ['$METRICS_TARGET']}]"
    echo "  - job_name: prometheus"
    echo "    static_configs: [{targets: ['127.0.0.1:$PROMETHEUS_PORT']}]"
  } > "$RUN/prometheus/prometheus.yml"
  promtool check config "$RUN/prometheus/prometheus.yml" > "$RUN/prometheus-check.log" 2>&1 \
    || { cat "$RUN/prometheus-check.log" >&2; die "invalid prometheus config"; }
  # --web.enable-lifecycle lets a test POST /-/reload; the TSDB lives (and dies) in the run dir.
  start_bg prometheus prometheus --config.file="$RUN/prometheus/prometheus.yml" \
    --storage.tsdb.path="$RUN/prometheus/data" --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" \
    --web.enable-lifecycle
}

kafka_ready() {
  grep -q "Kafka Server started" "$(logfile kafka)" &&
    node "$SCRIPT_DIR/kafka-ready.mjs" "127.0.0.1:$KAFKA_PORT" 3000
}
s3_ready() { s3_curl -o /dev/null "http://127.0.0.1:$S3_PORT/"; }   # signed ListBuckets
prometheus_ready() { curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$PROMETHEUS_PORT/-/ready"; }

cmd_up() {
  [ -f "$KAFKA_LIBS/.complete" ] && [ -x "$VERSITYGW_BIN" ] && command -v prometheus >/dev/null \
    || die "services not installed: run '$0 install' first"
  need node "Kafka readiness probe"; need curl "readiness probes"
  local t0=$SECONDS
  # `up` always gives fresh state: stop what a previous `up` left, then wipe the run dir.
  cmd_down >/dev/null 2>&1 || true
  rm -rf "$RUN" && mkdir -p "$RUN"
  # Interrupted half-way (Ctrl-C, CI timeout): stop whatever was already started.
  trap 'log "interrupted, stopping services"; cmd_down; exit 130' INT TERM

  KAFKA_PORT="$(pick_port "$KAFKA_PORT_PREF")"
  KAFKA_CONTROLLER_PORT="$(pick_port "$KAFKA_CONTROLLER_PORT_PREF" "$KAFKA_PORT")"
  S3_PORT="$(pick_port "$S3_PORT_PREF" "$KAFKA_PORT $KAFKA_CONTROLLER_PORT")"
  PROMETHEUS_PORT="$(pick_port "$PROMETHEUS_PORT_PREF" "$KAFKA_PORT $KAFKA_CONTROLLER_PORT $S3_PORT")"

  # Start the two quick ones first so they come up while the JVM formats and boots.
  start_s3
  start_prometheus
  start_kafka

  wait_ready s3 "$S3_TIMEOUT" s3_ready
  log "s3 ready on http://127.0.0.1:$S3_PORT after $((SECONDS - t0))s"
  # Create the bucket through the S3 API (not mkdir) so the gateway records ownership/ACL.
  s3_curl -X PUT -o /dev/null "http://127.0.0.1:$S3_PORT/$S3_BUCKET" \
    || fail_with_log s3 "could not create bucket $S3_BUCKET"
  wait_ready prometheus "$PROMETHEUS_TIMEOUT" prometheus_ready
  log "prometheus ready on http://127.0.0.1:$PROMETHEUS_PORT after $((SECONDS - t0))s (scrapes $METRICS_TARGET)"
  wait_ready kafka "$KAFKA_TIMEOUT" kafka_ready
  log "kafka $KAFKA_VERSION ready on 127.0.0.1:$KAFKA_PORT after $((SECONDS - t0))s"

  cat > "$STATE" <<EOF
export KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
export S3_ENDPOINT=http://127.0.0.1:$S3_PORT
export S3_ACCESS_KEY=$S3_ACCESS_KEY
export S3_SECRET_KEY=$S3_SECRET_KEY
export S3_REGION=$S3_REGION
export S3_BUCKET=$S3_BUCKET
export S3_FORCE_PATH_STYLE=true
export PROMETHEUS_URL=http://127.0.0.1:$PROMETHEUS_PORT
EOF
  trap - INT TERM
  log "all services up in $((SECONDS - t0))s; logs and data in $RUN"
}

# ---------------------------------------------------------------------------------------------
# down / status / env
# ---------------------------------------------------------------------------------------------
stop_one() {
  local name="$1" pid
  if ! pid="$(svc_pid "$name")"; then rm -f "$(pidfile "$name")"; return 0; fi
  kill -TERM "$pid" 2>/dev/null || true      # Kafka: controlled shutdown; others exit at once
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name (pid $pid) ignored SIGTERM for 30s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
  rm -f "$(pidfile "$name")"
  log "$name stopped (pid $pid)"
}

cmd_down() {
  # Stopped in parallel: Kafka's controlled shutdown takes the longest.
  local name
  for name in "${SERVICES[@]}"; do stop_one "$name" & done
  wait
  rm -f "$STATE"
}

cmd_status() {
  local name pid all=0
  for name in "${SERVICES[@]}"; do
    if pid="$(svc_pid "$name")"; then
      printf '%-11s running  pid %-7s RSS %s\n' "$name" "$pid" "$(rss_of "$pid")"
    else
      printf '%-11s stopped\n' "$name"; all=3
    fi
  done
  [ -f "$STATE" ] && sed 's/^export /  /' "$STATE"
  return "$all"
}

cmd_env() {
  [ -f "$STATE" ] || die "services are not up (run '$0 up')"
  cat "$STATE"
}

case "${1:-}" in
  install) cmd_install ;;
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *) echo "usage: $0 install|up|down|status|env" >&2; exit 2 ;;
esac
