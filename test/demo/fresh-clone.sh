#!/usr/bin/env bash
# `npm test` phase "demo": `npm run demo` from a fresh clone in a `mktemp -d` folder (mode 0700, like root's home
# where most clones land), narrowed to Keystone, then `npm run demo -- stop`. It proves what a user's first run
# does: that the cloud's service users (postgres, rabbitmq) can reach the cloud's state although they cannot
# enter the checkout, that the demo prints its URLs, that the runner answers /health and /api/results with the
# first cycle, and that `stop` stops what the demo started and nothing else.
#
#   bash test/demo/fresh-clone.sh [SOURCE]   SOURCE: a repository to clone (default: this one; its committed HEAD)
#
# With a cloud already running here (one cloud per machine: fixed ports), the demo reuses it and this test says
# so: then it proves the scripts and the reuse, not a fresh cloud's start.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SOURCE=${1:-$ROOT}
say() { printf '[demo-test] %s\n' "$*" >&2; }
fail() { say "FAILED: $*"; exit 1; }

TMP=$(mktemp -d /tmp/rally-monitor-demo-test.XXXXXX)
CLONE=$TMP/rally-monitor
DEMO_OUT=$TMP/demo.out
# The demo's default cloud folder (see scripts/demo.sh); removed at the end when this test made it.
DEMO_CLOUD_DIR=${RALLY_MONITOR_DEMO_CLOUD_DIR:-/var/lib/rally-monitor-demo/cloud}
cloud_dir_existed=""
[[ ! -e $DEMO_CLOUD_DIR ]] || cloud_dir_existed=1
stopped=""
cleanup() {
  if [[ -z $stopped && -d $CLONE ]]; then
    (cd "$CLONE" && npm run demo --silent -- stop >/dev/null 2>&1) || true
  fi
  # The cloud's own folder, when the demo made it for this test and its cloud is stopped.
  if [[ -z $cloud_dir_existed && -d $DEMO_CLOUD_DIR ]] && ! bash "$ROOT/test/cloud/cloud.sh" running 2>/dev/null |
    grep -qxF "$(realpath -m "$DEMO_CLOUD_DIR")"; then
    rm -rf "$DEMO_CLOUD_DIR"
    rmdir "$(dirname "$DEMO_CLOUD_DIR")" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

[[ $(stat -c %a "$TMP") == 700 ]] || fail "mktemp -d made $TMP with mode $(stat -c %a "$TMP"), not 0700"
before=$(bash "$ROOT/test/cloud/cloud.sh" running 2>/dev/null || true)
if [[ -n $before ]]; then
  say "a cloud is already running in $before: the demo must reuse it (this run does not prove a fresh cloud's start)"
else
  say "no cloud running: the demo brings up its own from the clone"
fi

git clone -q "$SOURCE" "$CLONE"
[[ -z $(git -C "$SOURCE" status --porcelain 2>/dev/null) ]] ||
  say "note: the clone is of the committed HEAD; uncommitted changes in $SOURCE are not in it"
# The phase proves the scripts, not the npm registry: node_modules comes from this checkout as hard links (cp -al,
# a second or so) when the clone's package-lock.json is the same, so ensure.sh's `npm ci` has nothing to do.
if [[ -d $ROOT/node_modules ]] && cmp -s "$ROOT/package-lock.json" "$CLONE/package-lock.json"; then
  cp -al "$ROOT/node_modules" "$CLONE/node_modules"
  # ensure.sh takes node_modules as current when its stamp is newer than package-lock.json (just checked out):
  # a copy of the stamp (not a link, which would touch this checkout's), made now.
  cp --remove-destination "$ROOT/node_modules/.package-lock.json" "$CLONE/node_modules/.package-lock.json"
fi

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
say "npm run demo in $CLONE (Keystone only, port $PORT)"
started=$SECONDS
# The demo runs holding a lock, as under `flock FILE npm run demo`: what it leaves running (the runner, the
# cloud's daemons) must not keep it.
exec {caller_lock}>"$TMP/caller.lock"
flock "$caller_lock"
# Each line the user sees, also kept with the second it arrived, to tell progress shown live from a replay.
set +e
(cd "$CLONE" && RALLY_MONITOR_DEMO_SERVICES=keystone EXPORTER_PORT=$PORT timeout 600 npm run demo --silent) 2>&1 |
  while IFS= read -r line; do
    printf '%s\n' "$line"
    printf '%s\n' "$line" >>"$DEMO_OUT"
    printf '%s %s\n' "$EPOCHSECONDS" "$line" >>"$TMP/demo.times"
  done
code=${PIPESTATUS[0]}
set -e
exec {caller_lock}>&-
((code == 0)) || fail "npm run demo exited $code after $((SECONDS - started)) s"
say "npm run demo took $((SECONDS - started)) s"

# What a user reads: the progress of the first cycle as it runs (the task's start well before its end, not both
# printed at the end), then the URLs.
task_started=$(awk '$2 == "[1/1]" && $3 == "keystone:" && $4 == "running" { print $1; exit }' "$TMP/demo.times")
task_ended=$(awk '$2 == "[1/1]" && $3 == "keystone:" && $4 ~ /^(PASS|FAIL|ERROR)$/ { print $1; exit }' "$TMP/demo.times")
[[ -n $task_started && -n $task_ended ]] || fail "the first cycle's progress lines were not shown"
((task_ended - task_started >= 3)) ||
  fail "the first cycle's progress came all at once (task start shown at $task_started, its end at $task_ended)"
for path in /health /metrics /api/results /api/history; do
  grep -qF "http://127.0.0.1:$PORT$path" "$DEMO_OUT" || fail "the demo did not print the URL of $path"
done
if ! flock -n "$TMP/caller.lock" true; then
  fail "processes the demo left running hold its caller's lock: $(fuser "$TMP/caller.lock" 2>/dev/null)"
fi
curl -fsS -m 10 "http://127.0.0.1:$PORT/health" >/dev/null || fail "/health does not answer"
curl -fsS -m 10 "http://127.0.0.1:$PORT/api/results" >"$TMP/results.json" || fail "/api/results does not answer"
python3 - "$TMP/results.json" <<'PY' || fail "/api/results is not the narrowed first cycle: $(head -c 600 "$TMP/results.json")"
import json, sys
cycle = json.load(open(sys.argv[1]))
states = {s["service"]: s["state"] for s in cycle["services"]}
tested = sorted(name for name, state in states.items() if state != "absent")
assert tested == ["keystone"], f"tested {tested}, expected keystone only"
assert states["keystone"] == "pass", f"keystone {states['keystone']}"
print(f"[demo-test] /api/results: cycle {cycle['id']}, keystone pass", file=sys.stderr)
PY
# The secrets stay private: the API token and the cloud's credentials are readable by their owner only.
[[ $(stat -c %a "$CLONE/.demo") == 700 ]] || fail ".demo is mode $(stat -c %a "$CLONE/.demo"), not 0700"
[[ $(stat -c %a "$CLONE/.demo/api-token") == 600 ]] || fail ".demo/api-token is not 0600"
used_cloud=$(bash "$ROOT/test/cloud/cloud.sh" running) || fail "no cloud runs after the demo"
for secret in secrets.env openrc cloud.json; do
  [[ $(stat -c %a "$used_cloud/$secret") == 600 ]] || fail "$used_cloud/$secret is mode $(stat -c %a "$used_cloud/$secret")"
done
if [[ -z $before ]]; then
  # The demo's own cloud: service users pass through its folder, the service configurations are root's alone.
  [[ $(stat -c %a "$used_cloud") == 711 ]] || fail "$used_cloud is mode $(stat -c %a "$used_cloud"), not 0711"
  [[ $(stat -c %a "$used_cloud/keystone/keystone.conf") == 600 ]] ||
    fail "$used_cloud/keystone/keystone.conf is mode $(stat -c %a "$used_cloud/keystone/keystone.conf"), not 0600"
fi

say "npm run demo -- stop"
(cd "$CLONE" && npm run demo --silent -- stop) 2>&1 | tee -a "$DEMO_OUT"
stopped=1
if curl -fsS -m 3 "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; then fail "the runner still answers after stop"; fi
after=$(bash "$ROOT/test/cloud/cloud.sh" running 2>/dev/null || true)
if [[ -n $before ]]; then
  [[ $after == "$before" ]] || fail "stop took down the cloud in $before, which the demo did not start"
  say "ok: the demo reused the running cloud in $before and left it running"
else
  [[ -z $after ]] || fail "the demo's cloud in $after still runs after stop"
  say "ok: the demo brought its own cloud up from a 0700 clone and stopped it"
fi
