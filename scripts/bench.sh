#!/usr/bin/env bash
# `npm run bench`: performance figures, measured side by side in one run (never from timed tests).
# Needs the local cloud: reuses RALLY_MONITOR_TEST_CLOUD_DIR when set, else the cloud running here (the demo's, say),
# else brings one up.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash scripts/ensure.sh all
export PATH="$ROOT/node_modules/.bin:$PATH"
npm run build --workspace runner --silent

if [[ -z ${RALLY_MONITOR_TEST_CLOUD_DIR:-} ]]; then
  if running=$(bash test/cloud/cloud.sh running 2>/dev/null) && [[ -n $running ]]; then
    export RALLY_MONITOR_TEST_CLOUD_DIR=$running
  else
    export RALLY_MONITOR_TEST_CLOUD_DIR=$(mktemp -d /tmp/rally-monitor-bench-cloud.XXXXXX)
    trap 'CLOUD_DIR=$RALLY_MONITOR_TEST_CLOUD_DIR bash test/cloud/cloud.sh down >/dev/null 2>&1 || true' EXIT
  fi
fi
CLOUD_DIR=$RALLY_MONITOR_TEST_CLOUD_DIR bash test/cloud/cloud.sh up

echo "== runner"
node runner/dist/bench/runner-bench.js "$@"
for bench in runner/dist/bench/*.js; do
  [[ $bench == */runner-bench.js ]] && continue
  echo "== $(basename "$bench" .js)"
  node "$bench"
done
echo "== plugin"
npm run bench --workspace plugin --if-present
