#!/usr/bin/env bash
# `npm run bench`: performance figures, measured side by side in one run (never from timed tests).
# The runner part needs the local cloud: it reuses RALLY_MONITOR_TEST_CLOUD_DIR when set, else the cloud running here
# (the demo's, say), else brings one up.
#   BENCH_PARTS="runner plugin federation"   the parts to run (default all; the plugin and federation parts need no cloud)
#   FEDERATION_BENCH_SITES=50 FEDERATION_BENCH_RUNNERS_PER_SITE=1   the federation's size (see test/assets/federation.bench.mjs)
#   BENCH_BASELINE_REV=<git rev>  also builds the plugin at that revision and measures it beside this checkout's
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash scripts/ensure.sh all
export PATH="$ROOT/node_modules/.bin:$PATH"
PARTS=" ${BENCH_PARTS:-runner plugin federation} "

cleanups=()
cleanup() {
  local step
  for step in "${cleanups[@]}"; do eval "$step" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

bench_runner() {
  npm run build --workspace runner --silent
  if [[ -z ${RALLY_MONITOR_TEST_CLOUD_DIR:-} ]]; then
    local running
    if running=$(bash test/cloud/cloud.sh running 2>/dev/null) && [[ -n $running ]]; then
      export RALLY_MONITOR_TEST_CLOUD_DIR=$running
    else
      RALLY_MONITOR_TEST_CLOUD_DIR=$(mktemp -d /tmp/rally-monitor-bench-cloud.XXXXXX)
      export RALLY_MONITOR_TEST_CLOUD_DIR
      cleanups+=("CLOUD_DIR=$RALLY_MONITOR_TEST_CLOUD_DIR bash test/cloud/cloud.sh down")
    fi
  fi
  CLOUD_DIR=$RALLY_MONITOR_TEST_CLOUD_DIR bash test/cloud/cloud.sh up

  echo "== runner"
  node runner/dist/bench/runner-bench.js "$@"
  local bench
  for bench in runner/dist/bench/*.js; do
    [[ $bench == */runner-bench.js ]] && continue
    echo "== $(basename "$bench" .js)"
    node "$bench"
  done
}

bench_plugin() {
  echo "== plugin"
  if [[ -n ${BENCH_BASELINE_REV:-} ]]; then
    local baseline
    baseline=$(mktemp -d /tmp/rally-monitor-bench-baseline.XXXXXX)
    cleanups+=("git -C $ROOT worktree remove --force $baseline/tree" "rm -rf $baseline")
    echo "building the plugin at $BENCH_BASELINE_REV for the side-by-side figures"
    git -C "$ROOT" worktree add --detach "$baseline/tree" "$BENCH_BASELINE_REV" >/dev/null
    # Hard links: the baseline builds with this checkout's installed packages, not a second download.
    cp -al "$ROOT/node_modules" "$baseline/tree/"
    (cd "$baseline/tree" && npm run build --workspace plugin --silent >/dev/null)
    export BENCH_PLUGIN_BASELINE_DIST=$baseline/tree/plugin/dist BENCH_BASELINE_REV
  fi
  npm run bench --workspace plugin --if-present
}

# 50 sites of real runners, site Prometheus servers and HAProxy gateways, federated by one central Prometheus.
bench_federation() {
  echo "== federation"
  npm run build --workspace runner --silent
  node test/assets/federation.bench.mjs
}

if [[ $PARTS == *" runner "* ]]; then bench_runner "$@"; fi
if [[ $PARTS == *" plugin "* ]]; then bench_plugin; fi
if [[ $PARTS == *" federation "* ]]; then bench_federation; fi
