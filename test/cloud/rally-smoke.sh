#!/usr/bin/env bash
# One small Rally task per service (smoke/NAME.yaml: 2 iterations at concurrency 1) against the cloud in
# $CLOUD_DIR, in a throw-away Rally database and HOME. Prints PASS/FAIL per service, then checks that these
# tasks left no c_rally_*/s_rally_* projects or users in Keystone (others' tasks on a shared cloud may).
#   CLOUD_DIR=DIR bash test/cloud/rally-smoke.sh [SERVICES...]   (default: the services cloud.json lists)
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
source "$HERE/lib/common.sh"

[[ -n ${CLOUD_DIR:-} && -s $CLOUD_DIR/openrc ]] || die "set CLOUD_DIR to a folder where 'cloud.sh up' ran"
# shellcheck disable=SC1091
source "$CLOUD_DIR/openrc"
ADMIN_PASSWORD=$OS_PASSWORD

services=("$@")
if ((${#services[@]} == 0)); then
  mapfile -t services < <("$SYS_PYTHON" -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["services"]))' "$CLOUD_DIR/cloud.json")
fi

work=$(mktemp -d /tmp/cloud-rally-smoke.XXXXXX)
trap 'rm -rf "$work"' EXIT
export HOME=$work
conf=$work/rally.conf
printf '[database]\nconnection = sqlite:///%s/rally.db\n' "$work" >"$conf"
rally --config-file "$conf" db create >"$work/db.log" 2>&1 || { cat "$work/db.log" >&2; die "rally db create failed"; }
rally --config-file "$conf" env create --name smoke --from-sysenv >"$work/env.log" 2>&1 ||
  { cat "$work/env.log" >&2; die "rally env create failed"; }
admin_token || die "Keystone gave no admin token"
args=$(printf '{"image_file": "%s", "token": "%s"}' "$(sed -n 's/.*"imageFile": "\(.*\)".*/\1/p' "$CLOUD_DIR/cloud.json")" "$ADMIN_TOKEN")

passed=0 failed=0 tasks=()
for s in "${services[@]}"; do
  [[ -s $HERE/smoke/$s.yaml ]] || die "no smoke task for '$s'"
  start=$EPOCHREALTIME
  if rally --config-file "$conf" task start "$HERE/smoke/$s.yaml" --deployment smoke --task-args "$args" \
    >"$work/$s.log" 2>&1; then
    echo "PASS rally $s ($(since "$start")s)"
    passed=$((passed + 1))
  else
    echo "FAIL rally $s ($(since "$start")s)"
    grep -v -F -e "$ADMIN_PASSWORD" -e "$ADMIN_TOKEN" "$work/$s.log" | tail -n 30 >&2
    failed=$((failed + 1))
  fi
  mapfile -t found < <(grep -oE -m 1 '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' "$work/$s.log")
  tasks+=("${found[@]}")
done
if ((${#tasks[@]} == 0)); then
  echo "FAIL no Rally task uuid found in the outputs"
  failed=$((failed + 1))
elif left=$(OS_PASSWORD=$ADMIN_PASSWORD "$SYS_PYTHON" "$HERE/lib/admin.py" leftovers "${tasks[@]}" 2>&1); then
  echo "PASS these ${#tasks[@]} tasks left no c_rally_/s_rally_ projects or users"
  passed=$((passed + 1))
else
  echo "FAIL Rally left: $(echo "$left" | tr '\n' ' ')"
  failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
((failed == 0))
