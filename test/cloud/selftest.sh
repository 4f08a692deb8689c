#!/usr/bin/env bash
# Checks the local cloud end to end: brings it up (reusing the one running on this machine, if any), checks
# `status`, then that each service's API answers an admin token, and that the admin password appears in no log.
# Prints one PASS/FAIL line per check and "N passed, M failed"; exits non-zero on any failure.
#   bash test/cloud/selftest.sh [--outage] [SERVICES...]   (default: all seven; CLOUD_DIR picks the folder)
# --outage also stops and restarts Glance (or Keystone, if Glance is not among the services) and checks that
# status reports it down and then up: a few seconds' outage for anyone else using the cloud.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
source "$HERE/lib/common.sh"

if [[ -z ${CLOUD_DIR:-} ]]; then
  CLOUD_DIR=$(bash "$HERE/cloud.sh" running) || CLOUD_DIR=/tmp/rally-monitor-cloud-selftest
fi
export CLOUD_DIR
outage=""
if [[ ${1:-} == --outage ]]; then outage=1; shift; fi
services=("$@")
((${#services[@]})) || services=(keystone neutron glance placement swift cinder nova)

passed=0 failed=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
check() { # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
finish() {
  echo "$passed passed, $failed failed"
  ((failed == 0))
  exit
}
wants() { [[ " ${services[*]} " == *" $1 "* ]]; }

start=$EPOCHREALTIME
if bash "$HERE/cloud.sh" up "${services[@]}"; then
  pass "up ${services[*]} in $CLOUD_DIR ($(since "$start")s)"
else
  fail "up ${services[*]} in $CLOUD_DIR"
  finish
fi
check "status: all up" bash "$HERE/cloud.sh" status

# shellcheck disable=SC1091
source "$CLOUD_DIR/openrc"
ADMIN_PASSWORD=$OS_PASSWORD
check "admin password is random per cloud (adm-...)" test "${ADMIN_PASSWORD:0:4}" = adm- -a ${#ADMIN_PASSWORD} -ge 24
check "openrc and cloud.json readable by root only" \
  test "$(stat -c %a "$CLOUD_DIR/openrc")" = 600 -a "$(stat -c %a "$CLOUD_DIR/cloud.json")" = 600
if admin_token; then pass "keystone issues an admin token"; else fail "keystone issues an admin token"; finish; fi

# get_json URL [HEADER]: prints the body when the status is 2xx, fails otherwise.
get_json() {
  local out code
  out=$(curl -s -m 10 -w '\n%{http_code}' -H "X-Auth-Token: $ADMIN_TOKEN" ${2:+-H "$2"} "$1") || return 1
  code=${out##*$'\n'}
  [[ $code == 2* ]] || { echo "HTTP $code from $1" >&2; return 1; }
  printf '%s' "${out%$'\n'*}"
}
# answers NAME URL JSON_NEEDLE [HEADER]: the authenticated GET succeeds and its body contains JSON_NEEDLE.
answers() {
  local body
  body=$(get_json "$2" "${4:-}") || { fail "$1 answers GET $2 with the token"; return; }
  if [[ $body == *"$3"* ]]; then pass "$1 answers GET $2 with the token"; else
    fail "$1 answers GET $2 with the token (no '$3' in: ${body:0:200})"; fi
}

project_id=$(get_json "http://127.0.0.1:5000/v3/projects?name=admin" |
  "$SYS_PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["projects"][0]["id"])' 2>/dev/null)
answers keystone "http://127.0.0.1:5000/v3/projects?name=admin" '"name": "admin"'
if wants neutron; then
  answers neutron http://127.0.0.1:9696/v2.0/networks '"networks"'
  check "neutron refuses a request without a token (401)" test "$(http_code http://127.0.0.1:9696/v2.0/networks)" = 401
fi
if wants glance; then answers glance "http://127.0.0.1:9292/v2/images?name=cirros-fake-disk" '"visibility": "public"'; fi
if wants placement; then
  answers placement http://127.0.0.1:8778/resource_providers '"resource_providers"' "OpenStack-API-Version: placement 1.39"
fi
if wants swift; then answers swift "http://127.0.0.1:8080/v1/AUTH_$project_id?format=json" '['; fi
if wants cinder; then
  answers cinder "http://127.0.0.1:8776/v3/$project_id/volumes" '"volumes"'
  answers cinder "http://127.0.0.1:8776/v3/$project_id/scheduler-stats/get_pools" '"name"'
fi
if wants nova; then
  answers nova http://127.0.0.1:8774/v2.1/flavors '"name": "m1.tiny"'
  answers nova http://127.0.0.1:8774/v2.1/os-hypervisors '"state": "up"'
  # The availability zones the canary deploy spreads over (services/nova.sh NOVA_ZONES).
  for zone in zone-a zone-b zone-c; do
    answers nova http://127.0.0.1:8774/v2.1/os-availability-zone "\"zoneName\": \"$zone\""
  done
fi

other=$(mktemp -d /tmp/cloud-selftest-other.XXXXXX)
if ! refusal=$(CLOUD_DIR=$other bash "$HERE/cloud.sh" up keystone 2>&1) && [[ $refusal == *"held by the cloud in $(realpath "$CLOUD_DIR")"* && ! -e $other/run ]]; then
  pass "up in another folder is refused, naming this cloud's folder"
else
  fail "up in another folder is refused, naming this cloud's folder (got: ${refusal:0:300})"
fi
rm -rf "$other"

if [[ -n $outage ]]; then
  victim=glance
  wants glance || victim=keystone
  bash "$HERE/cloud.sh" stop-service "$victim"
  # shellcheck disable=SC2016 # the inner bash expands $0 and $1
  check "status reports $victim down after stop-service (exit 1)" \
    bash -c '! bash "$0" status "$1" >/dev/null' "$HERE/cloud.sh" "$victim"
  start=$EPOCHREALTIME
  check "start-service $victim brings it back" bash "$HERE/cloud.sh" start-service "$victim"
  check "status reports $victim up again ($(since "$start")s)" bash "$HERE/cloud.sh" status "$victim"
fi

if grep -rqF -e "$ADMIN_PASSWORD" "$CLOUD_DIR/logs"; then
  fail "the admin password appears in $(grep -rlF -e "$ADMIN_PASSWORD" "$CLOUD_DIR/logs" | tr '\n' ' ')"
else
  pass "the admin password appears in no log under $CLOUD_DIR/logs"
fi
finish
