#!/usr/bin/env bash
# Builds the Dockerfile with buildah where no container registry is reachable (the project's
# machines): node:20.20.2-bookworm-slim cannot be pulled, so a stand-in base is made first —
# Debian bookworm (debootstrap minbase, from Debian's mirror) with this machine's Node 20 and npm
# copied in, a `node` user of uid 1000, and this machine's CA bundle (its network re-signs TLS, and
# `npm ci` inside the build must trust that). Then the image runs once as uid 1000: a files monitor
# over the bundled capture, the HEALTHCHECK command, /readyz, drift gauges, SIGTERM → exit 0.
#
#   scripts/deploy/build-image-standin.sh     (as root, on Debian bookworm with Node 20 at /usr/bin/node)
#
# Manual only, not CI: it needs root, apt and a few minutes. What it proves is that the Dockerfile
# builds and the image runs; not that the real base image behaves the same.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$REPO/.cache/image-standin"
ROOTFS="$WORK/rootfs"
BASE=localhost/node-standin:20.20.2-bookworm
IMAGE=localhost/driftmon:standin
B=(buildah --storage-driver vfs)
log() { printf '[image] %s\n' "$*" >&2; }

[ "$(id -u)" -eq 0 ] || { log "run as root (debootstrap, buildah)"; exit 2; }
[ "$(node --version)" = v20.20.2 ] || log "warning: this Node is $(node --version), not the Dockerfile's 20.20.2"
command -v buildah >/dev/null && command -v debootstrap >/dev/null \
  || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends buildah debootstrap >&2
mkdir -p "$WORK"

if [ ! -x "$ROOTFS/bin/sh" ]; then
  log "debootstrap bookworm (minbase) → $ROOTFS"
  rm -rf "$ROOTFS"
  debootstrap --variant=minbase --include=libstdc++6,ca-certificates bookworm "$ROOTFS" http://deb.debian.org/debian > "$WORK/debootstrap.log" 2>&1
fi
install -m 755 "$(command -v node)" "$ROOTFS/usr/local/bin/node"
rm -rf "$ROOTFS/usr/local/lib/node_modules/npm" && mkdir -p "$ROOTFS/usr/local/lib/node_modules"
cp -a "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$ROOTFS/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/local/bin/npm"
chroot "$ROOTFS" sh -c 'getent group node >/dev/null || groupadd -g 1000 node; getent passwd node >/dev/null || useradd -u 1000 -g node -m node'
cp /etc/ssl/certs/ca-certificates.crt "$ROOTFS/etc/ssl/certs/ca-certificates.crt"
c=$("${B[@]}" from scratch)
"${B[@]}" copy "$c" "$ROOTFS" / >/dev/null
"${B[@]}" config --env PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt --cmd node "$c"
"${B[@]}" commit -q "$c" "$BASE" >/dev/null && "${B[@]}" rm "$c" >/dev/null
log "base $BASE ready"

log "buildah bud (chroot isolation, docker format so HEALTHCHECK is kept)"
"${B[@]}" bud --format docker --isolation chroot --build-arg "NODE_IMAGE=$BASE" -t "$IMAGE" "$REPO" > "$WORK/bud.log" 2>&1 \
  || { tail -n 30 "$WORK/bud.log" >&2; exit 1; }

log "smoke run as the image's user"
cfg="$WORK/config" && rm -rf "$cfg" && mkdir -p "$cfg"
node "$REPO/dist/src/main.js" baseline data --input "$REPO/examples/credit-model/baseline.csv" --output "$cfg/baseline" > /dev/null
cat > "$cfg/driftmon.yaml" <<'EOF'
monitors:
  - name: credit-model
    source: { type: files, paths: [/data/capture], follow: true }
    record: { format: sagemaker-capture, outputs: [risk_score], inputs: [age, income, loan_amount, credit_score, num_accounts, tenure_months, region, channel] }
    baseline: { dir: baseline }
    windows: [5m, 1h]
    grace: 30s
output: { dir: /var/lib/driftmon/out }
EOF
chmod -R a+rX "$cfg"
healthcheck="$("${B[@]}" inspect --type image --format '{{ index .Docker.Config.Healthcheck.Test 3 }}' "$IMAGE")"
c=$("${B[@]}" from "$IMAGE")
trap '"${B[@]}" rm "$c" >/dev/null 2>&1 || true' EXIT
# loopback only on this machine: the image's 0.0.0.0 is overridden for the smoke run
"${B[@]}" run --isolation chroot --user 1000:1000 -e DRIFTMON_HTTP_HOST=127.0.0.1 -e DRIFTMON_HTTP_PORT=19464 \
  -v "$cfg:/etc/driftmon:ro" -v "$REPO/examples/credit-model/capture:/data/capture:ro" "$c" -- sh -c '
    node dist/src/main.js run --config /etc/driftmon/driftmon.yaml > /tmp/run.log 2>&1 & pid=$!
    sleep 6
    node -e "$1" && echo "healthcheck: ok"
    node -e "fetch(\"http://127.0.0.1:19464/readyz\").then((r) => r.text()).then(console.log)"
    node -e "fetch(\"http://127.0.0.1:19464/metrics\").then((r) => r.text()).then((t) => console.log(t.split(\"\\n\").filter((l) => /^driftmon_feature_drift_detected\\{.* 1$/.test(l)).join(\"\\n\")))"
    kill -TERM $pid; wait $pid; echo "driftmon exit: $?"' sh "$healthcheck"
