#!/usr/bin/env bash
# `npm run demo`: the product on its embedded default. Installs what is missing, brings up a real local OpenStack
# on loopback (Debian's packages), runs a first Rally cycle with the runner, then leaves the runner serving and
# prints the URLs to open. `npm run demo -- stop` stops the runner and the cloud.
#
# State lives in .demo/ (cloud, runner data, API token, logs), so a second `npm run demo` starts warm.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${RALLY_MONITOR_DEMO_DIR:-$ROOT/.demo}
CLOUD_DIR=$STATE/cloud
DATA_DIR=$STATE/data
PORT=${EXPORTER_PORT:-9101}
export PATH="$ROOT/node_modules/.bin:$PATH"
say() { printf '\n==> %s\n' "$*" >&2; }

stop_runner() {
  if [[ -f $STATE/runner.pid ]] && kill -0 "$(cat "$STATE/runner.pid")" 2>/dev/null; then
    kill -TERM "$(cat "$STATE/runner.pid")"
    for _ in $(seq 1 60); do kill -0 "$(cat "$STATE/runner.pid")" 2>/dev/null || break; sleep 1; done
  fi
  rm -f "$STATE/runner.pid"
}

if [[ ${1:-} == stop ]]; then
  say "stopping the runner and the local cloud"
  stop_runner
  CLOUD_DIR=$CLOUD_DIR bash "$ROOT/test/cloud/cloud.sh" down
  exit 0
fi

started=$SECONDS
say "1/5 installing what is missing (Debian packages for Rally and the local cloud, npm dependencies)"
bash "$ROOT/scripts/ensure.sh" apt-demo
bash "$ROOT/scripts/ensure.sh" npm
(cd "$ROOT" && npm run build --workspace runner --silent)

say "2/5 starting the local OpenStack cloud in $CLOUD_DIR (all seven services, loopback only)"
mkdir -p "$STATE" && chmod 700 "$STATE"
CLOUD_DIR=$CLOUD_DIR bash "$ROOT/test/cloud/cloud.sh" up
# shellcheck disable=SC1091
source "$CLOUD_DIR/openrc"
image=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("image",""))' "$CLOUD_DIR/cloud.json")

[[ -f $STATE/api-token ]] || (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$STATE/api-token")
export RALLY_MONITOR_DATA_DIR=$DATA_DIR RALLY_MONITOR_CLOUD=demo RALLY_MONITOR_API_TOKEN=$(cat "$STATE/api-token")
export RALLY_MONITOR_LISTEN_ADDRESS=127.0.0.1 EXPORTER_PORT=$PORT RALLY_NOVA_IMAGE=$image RALLY_NOVA_FLAVOR=m1.tiny
export RALLY_SCHEDULE_INTERVAL=${RALLY_SCHEDULE_INTERVAL:-60}

say "3/5 running a first Rally cycle (rally-monitor run-once; progress per service below)"
stop_runner
set +e
node "$ROOT/runner/dist/src/cli.js" run-once 2>"$STATE/run-once.log" | tee "$STATE/first-cycle.txt"
code=${PIPESTATUS[0]}
set -e
grep -E '^(detected|\[[0-9]+/[0-9]+\])' "$STATE/run-once.log" >&2 || true
[[ $code -eq 1 ]] && { say "the monitor could not run; see $STATE/run-once.log"; exit 1; }

say "4/5 starting the runner (rally-monitor serve) on 127.0.0.1:$PORT, a cycle every $RALLY_SCHEDULE_INTERVAL min"
setsid nohup node "$ROOT/runner/dist/src/cli.js" serve >>"$STATE/runner.log" 2>&1 < /dev/null &
echo $! > "$STATE/runner.pid"
for _ in $(seq 1 30); do curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 1; done
curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null || { say "the runner did not start; see $STATE/runner.log"; tail -20 "$STATE/runner.log"; exit 1; }

run_id=$(curl -fsS "http://127.0.0.1:$PORT/api/results" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
say "5/5 ready in $((SECONDS - started)) s. Open:"
cat <<URLS
  health          http://127.0.0.1:$PORT/health
  metrics         http://127.0.0.1:$PORT/metrics
  latest results  http://127.0.0.1:$PORT/api/results
  history         http://127.0.0.1:$PORT/api/history
  Rally report    http://127.0.0.1:$PORT/api/runs/$run_id/report.html?service=keystone
  JUnit           http://127.0.0.1:$PORT/api/runs/$run_id/junit.xml?service=keystone
  run a cycle now curl -X POST -H "Authorization: Bearer \$(cat $STATE/api-token)" http://127.0.0.1:$PORT/api/runs
  runner log      $STATE/runner.log
  Grafana         copy plugin/dist (npm run build --workspace plugin) into Grafana's plugins folder and the
                  files in provisioning/ into its provisioning folder; see README.md ("Grafana").
  stop            npm run demo -- stop
URLS
