#!/usr/bin/env bash
# `npm run demo`: the product on its embedded default. Installs what is missing, brings up a real local OpenStack
# on loopback (Debian's packages), runs a first Rally cycle with the runner, then leaves the runner serving and
# prints the URLs to open. `npm run demo -- stop` stops the runner and the cloud the demo started.
#
#   npm run demo [-- --services keystone,swift]   narrow the cloud and the runner to those services (default: all
#                                                 seven); or RALLY_MONITOR_DEMO_SERVICES=keystone,swift
#   npm run demo -- stop
#
# The runner's state (its data, the API token, logs) lives in .demo/ (0700), so a second `npm run demo` starts
# warm. The cloud's state cannot live in the checkout: PostgreSQL and RabbitMQ run as their own users, who cannot
# enter a checkout in root's 0700 home or in a `mktemp -d` folder. It lives in RALLY_MONITOR_DEMO_CLOUD_DIR
# (default /var/lib/rally-monitor-demo/cloud): folders they may pass through (0711), secrets readable by root only.
# A cloud already running on this machine (only one fits: fixed ports) is reused, and then left running by `stop`.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${RALLY_MONITOR_DEMO_DIR:-$ROOT/.demo}
DEMO_CLOUD_DIR=$(realpath -m "${RALLY_MONITOR_DEMO_CLOUD_DIR:-/var/lib/rally-monitor-demo/cloud}")
DATA_DIR=$STATE/data
PORT=${EXPORTER_PORT:-9101}
SERVICES=${RALLY_MONITOR_DEMO_SERVICES:-}
export PATH="$ROOT/node_modules/.bin:$PATH"
say() { printf '\n==> %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

stop_runner() {
  if [[ -f $STATE/runner.pid ]] && kill -0 "$(cat "$STATE/runner.pid")" 2>/dev/null; then
    kill -TERM "$(cat "$STATE/runner.pid")"
    for _ in $(seq 1 60); do kill -0 "$(cat "$STATE/runner.pid")" 2>/dev/null || break; sleep 1; done
  fi
  rm -f "$STATE/runner.pid"
}

# $STATE/cloud.used records which cloud the demo uses and whether it started it ("own") or found it running
# ("reused").
stop_demo() {
  local dir=$DEMO_CLOUD_DIR how=own
  [[ ! -f $STATE/cloud.used ]] || read -r how dir <"$STATE/cloud.used"
  say "stopping the runner"
  stop_runner
  if [[ $how == reused ]]; then
    say "leaving the cloud in $dir running: the demo found it running and reused it"
  else
    say "stopping the demo's local cloud in $dir"
    CLOUD_DIR=$dir bash "$ROOT/test/cloud/cloud.sh" down
  fi
  # Earlier demos kept their cloud in .demo/cloud.
  [[ ! -d $STATE/cloud/run ]] || CLOUD_DIR=$STATE/cloud bash "$ROOT/test/cloud/cloud.sh" down
  rm -f "$STATE/cloud.used"
}

while (($#)); do
  case $1 in
    stop) stop_demo; exit 0 ;;
    --services) (($# >= 2)) || die "--services needs a list, e.g. --services keystone,swift"; SERVICES=$2; shift 2 ;;
    --services=*) SERVICES=${1#--services=}; shift ;;
    *) die "unknown argument '$1' (usage: npm run demo [-- --services keystone,...] | npm run demo -- stop)" ;;
  esac
done
SERVICES=$(tr ', ' '\n' <<<"$SERVICES" | grep -v '^$' | paste -sd, - || true)
[[ -n $SERVICES ]] && what="services: ${SERVICES//,/, }" || what="all seven services"
[[ $(id -u) -eq 0 ]] || die "run the demo as root: it installs Debian packages, and the local cloud runs its services as their own users (postgres, rabbitmq)"
started=$SECONDS
say "1/5 installing what is missing (Debian packages for Rally and the local cloud, npm dependencies)"
bash "$ROOT/scripts/ensure.sh" apt-demo
bash "$ROOT/scripts/ensure.sh" npm
(cd "$ROOT" && npm run build --workspace runner --silent)

say "2/5 starting the local OpenStack cloud ($what, loopback only)"
mkdir -p "$STATE" && chmod 700 "$STATE"
if running=$(bash "$ROOT/test/cloud/cloud.sh" running 2>/dev/null) && [[ $running != "$DEMO_CLOUD_DIR" ]]; then
  CLOUD_DIR=$running
  echo "reused $CLOUD_DIR" >"$STATE/cloud.used"
  say "reusing the cloud already running in $CLOUD_DIR (one cloud per machine); 'stop' will leave it running"
else
  CLOUD_DIR=$DEMO_CLOUD_DIR
  echo "own $CLOUD_DIR" >"$STATE/cloud.used"
  # Folders the cloud's service users may pass through, not list; the parents of a custom folder are the user's.
  [[ -n ${RALLY_MONITOR_DEMO_CLOUD_DIR:-} ]] || { mkdir -p "$(dirname "$CLOUD_DIR")" && chmod 711 "$(dirname "$CLOUD_DIR")"; }
  say "the cloud's state: $CLOUD_DIR"
fi
# shellcheck disable=SC2086 # one word per service
CLOUD_DIR=$CLOUD_DIR bash "$ROOT/test/cloud/cloud.sh" up ${SERVICES//,/ }
# shellcheck disable=SC1091
source "$CLOUD_DIR/openrc"
resize_flavor=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("resizeFlavor") or "")' "$CLOUD_DIR/cloud.json")

[[ -f $STATE/api-token ]] || (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$STATE/api-token")
api_token=$(cat "$STATE/api-token")
export RALLY_MONITOR_DATA_DIR=$DATA_DIR RALLY_MONITOR_CLOUD=demo RALLY_MONITOR_API_TOKEN=$api_token
export RALLY_MONITOR_LISTEN_ADDRESS=127.0.0.1 EXPORTER_PORT=$PORT RALLY_NOVA_FLAVOR=m1.tiny
# RALLY_NOVA_IMAGE stays unset: the cloud's image is named in the rally-jobs convention the default looks for.
[[ -z $resize_flavor ]] || export RALLY_NOVA_RESIZE_FLAVOR=$resize_flavor
# Narrowed, the runner tests those services only (a reused cloud may offer more).
[[ -z $SERVICES ]] || export RALLY_MONITOR_SERVICES=$SERVICES
export RALLY_SCHEDULE_INTERVAL=${RALLY_SCHEDULE_INTERVAL:-60}

say "3/5 running a first Rally cycle (rally-monitor run-once; progress per service below)"
stop_runner
# The progress lines (stderr, less the JSON log records) are shown as they come and kept whole in run-once.log;
# the summary (stdout) follows at the end.
set +e
node "$ROOT/runner/dist/src/cli.js" run-once 2>&1 >"$STATE/first-cycle.txt" |
  tee "$STATE/run-once.log" | grep --line-buffered -v '^{' >&2
code=${PIPESTATUS[0]}
set -e
cat "$STATE/first-cycle.txt"
[[ $code -eq 1 ]] && { say "the monitor could not run; see $STATE/run-once.log"; exit 1; }

say "4/5 starting the runner (rally-monitor serve) on 127.0.0.1:$PORT, a cycle every $RALLY_SCHEDULE_INTERVAL min"
# The runner keeps none of the caller's open files (a `flock FILE npm run demo` would hand it the lock for good).
(for fd in "/proc/$BASHPID/fd"/*; do fd=${fd##*/}; ((fd > 2)) && eval "exec $fd>&-" 2>/dev/null; done
 exec setsid nohup node "$ROOT/runner/dist/src/cli.js" serve >>"$STATE/runner.log" 2>&1 < /dev/null) &
echo $! > "$STATE/runner.pid"
for _ in $(seq 1 30); do curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 1; done
curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null || { say "the runner did not start; see $STATE/runner.log"; tail -20 "$STATE/runner.log"; exit 1; }

first=${SERVICES%%,*}
first=${first:-keystone}
run_id=$(curl -fsS "http://127.0.0.1:$PORT/api/results" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
say "5/5 ready in $((SECONDS - started)) s. Open:"
cat <<URLS
  health          http://127.0.0.1:$PORT/health
  metrics         http://127.0.0.1:$PORT/metrics
  latest results  http://127.0.0.1:$PORT/api/results
  history         http://127.0.0.1:$PORT/api/history
  Rally report    http://127.0.0.1:$PORT/api/runs/$run_id/report.html?service=$first
  JUnit           http://127.0.0.1:$PORT/api/runs/$run_id/junit.xml?service=$first
  run a cycle now curl -X POST -H "Authorization: Bearer \$(cat $STATE/api-token)" http://127.0.0.1:$PORT/api/runs
  runner log      $STATE/runner.log
  Grafana         copy plugin/dist (npm run build --workspace plugin) into Grafana's plugins folder and the
                  files in provisioning/ into its provisioning folder; see README.md ("Grafana").
  stop            npm run demo -- stop
URLS
