#!/usr/bin/env bash
# `npm test`: installs what is missing, then runs every test: unit tests, the plugin's tests, the asset checks
# (dashboards, alert rules with promtool), and the integration tests against a real local OpenStack, a real Rally,
# a real Prometheus and Alertmanager, and real headless Chromium.
#
# A cloud is brought up fresh under a temp dir and taken down at the end. To reuse a running one (development),
# set RALLY_MONITOR_TEST_CLOUD_DIR to its CLOUD_DIR. TEST_PHASES="build runner-unit ..." runs only those phases.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1

bash scripts/ensure.sh all || exit 1
# Node 24 from the `node` devDependency, whatever the system Node is.
export PATH="$ROOT/node_modules/.bin:$PATH"
echo "node $(node --version), rally $(rally --version 2>/dev/null | tail -1)"

PHASES=${TEST_PHASES:-"build lint runner-unit plugin assets demo cloud runner-integration e2e plugin-e2e decoys"}
failed=()
# Each phase's output is also kept, so that the end of the run can repeat why a phase failed: a CI log is often
# read from its tail, and later phases push the failure out of sight.
PHASE_LOGS=$(mktemp -d /tmp/rally-monitor-test-logs.XXXXXX)
wanted() { [[ " $PHASES " == *" $1 "* ]]; }
phase() {
  local name=$1 started=$SECONDS status
  shift
  wanted "$name" || return 0
  echo "=== $name"
  # Not a pipeline: a phase may export for the later ones (the cloud's directory).
  "$@" > >(tee "$PHASE_LOGS/$name.log") 2>&1
  status=$?
  if ((status == 0)); then
    echo "=== $name: ok in $((SECONDS - started)) s"
  else
    echo "=== $name: FAILED (exit $status) after $((SECONDS - started)) s"
    failed+=("$name")
  fi
}

# node --test ends its output with the failing tests and their errors; other tools' last lines say why.
failure_details() {
  local log="$PHASE_LOGS/$1.log"
  if grep -q '^✖ failing tests:' "$log" 2>/dev/null; then
    sed -n '/^✖ failing tests:/,$p' "$log" | grep -v '^ℹ ' | head -200
  else
    tail -40 "$log" 2>/dev/null
  fi
}

cloud_up() {
  local running
  # Only one cloud fits on a machine (fixed ports): one already running is reused, not fought.
  if [[ -z ${RALLY_MONITOR_TEST_CLOUD_DIR:-} ]] && running=$(bash test/cloud/cloud.sh running 2>/dev/null) && [[ -n $running ]]; then
    export RALLY_MONITOR_TEST_CLOUD_DIR=$running
  fi
  if [[ -n ${RALLY_MONITOR_TEST_CLOUD_DIR:-} ]]; then
    echo "reusing the cloud in $RALLY_MONITOR_TEST_CLOUD_DIR"
    CLOUD_DIR=$RALLY_MONITOR_TEST_CLOUD_DIR bash test/cloud/cloud.sh up
    return
  fi
  OWN_CLOUD_DIR=$(mktemp -d /tmp/rally-monitor-test-cloud.XXXXXX)
  trap 'CLOUD_DIR=$OWN_CLOUD_DIR bash test/cloud/cloud.sh down >/dev/null 2>&1 || true' EXIT
  CLOUD_DIR=$OWN_CLOUD_DIR bash test/cloud/cloud.sh up || return 1
  export RALLY_MONITOR_TEST_CLOUD_DIR=$OWN_CLOUD_DIR
}

phase build npm run build
phase lint npm run lint
phase runner-unit npm test --workspace runner
phase plugin npm test --workspace plugin
phase assets node --test --test-concurrency=1 "test/assets/*.test.mjs"
# `npm run demo` from a fresh clone of the committed HEAD in a 0700 `mktemp -d` folder, Keystone only, then
# `npm run demo -- stop`. Before the cloud phase: on a CI machine no cloud runs yet, so the demo brings up its own
# (proving its service users reach its state from such a clone) and stops it, leaving the ports to the cloud
# phase. With a cloud already running (a developer's), the demo reuses it and the phase says so.
phase demo bash test/demo/fresh-clone.sh
phase cloud cloud_up
if [[ " ${failed[*]} " == *" cloud "* ]]; then
  echo "the local cloud did not come up; skipping the phases that need it"
  PHASES=$(sed 's/runner-integration//; s/plugin-e2e//; s/e2e//; s/decoys//' <<<"$PHASES")
fi
phase runner-integration npm run test:integration --workspace runner
# End-to-end checks of the assets (every dashboard and alert query on a real Prometheus fed by a real runner,
# alerts through a real Alertmanager); named *.e2e.mjs so the cloud-free assets phase leaves them out.
phase e2e node --test --test-concurrency=1 test/assets/*.e2e.mjs
phase plugin-e2e npm run test:e2e --workspace plugin --if-present
# Last: another tenant's Rally-lookalike resources, seeded by `cloud.sh up`, must all still be there.
phase decoys /usr/bin/python3 test/cloud/lib/decoys.py check "${RALLY_MONITOR_TEST_CLOUD_DIR:-}"

if ((${#failed[@]})); then
  for name in "${failed[@]}"; do
    echo "=== why $name failed"
    failure_details "$name"
  done
  echo "FAILED phases: ${failed[*]}"
  exit 1
fi
echo "all test phases passed: $PHASES"
