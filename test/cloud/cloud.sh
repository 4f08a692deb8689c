#!/usr/bin/env bash
# A real OpenStack from Debian's packages on 127.0.0.1: the project's test bed and the demo's default cloud.
#
#   bash cloud.sh install [SERVICES...]             apt-get what the services need (quick when present)
#   CLOUD_DIR=DIR bash cloud.sh up [SERVICES...]    bring them up (idempotent); writes DIR/openrc, DIR/cloud.json
#   CLOUD_DIR=DIR bash cloud.sh down                stop every daemon of DIR by its pid file
#   CLOUD_DIR=DIR bash cloud.sh stop-service NAME   stop one service (or postgres, memcached, rabbitmq)
#   CLOUD_DIR=DIR bash cloud.sh start-service NAME  start it again and wait until it answers
#   CLOUD_DIR=DIR bash cloud.sh status [NAMES...]   one line per service; exit 0 iff all named are up
#   bash cloud.sh running                           print the CLOUD_DIR of the cloud running here; exit 1 if none
#
# SERVICES: keystone neutron glance placement swift cinder nova (default: all). Keystone is always included;
# nova brings glance, placement and neutron along. Only one cloud runs per machine: the ports are fixed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
declare -A STOP_SIGNAL=()
# shellcheck source=lib/common.sh
source "$HERE/lib/common.sh"
for module in "$HERE"/services/*.sh; do
  # shellcheck disable=SC1090
  source "$module"
done

ALL_SERVICES=(keystone neutron glance placement swift cinder nova)
INFRA=(postgres memcached rabbitmq)

declare -A DAEMONS=(
  [postgres]=postgres [memcached]=memcached [rabbitmq]="epmd rabbitmq"
  [keystone]=keystone [neutron]=neutron-server [glance]=glance-api [placement]=placement
  [swift]="swift-account swift-container swift-object swift-proxy"
  [cinder]="cinder-api cinder-scheduler cinder-volume"
  [nova]="$(nova_daemons | tr '\n' ' ')"
)
declare -A PORTS=(
  [postgres]=5432 [memcached]=11211 [rabbitmq]="4369 5672 25672"
  [keystone]=5000 [neutron]=9696 [glance]=9292 [placement]=8778 [swift]="8080 6200 6201 6202"
  [cinder]=8776 [nova]=8774
)
declare -A PACKAGES=(
  [base]="postgresql memcached python3-pymemcache uwsgi-core uwsgi-plugin-python3 curl iproute2 python3-keystoneclient"
  [keystone]=keystone [neutron]=neutron-server [glance]="glance-api python3-glanceclient" [placement]=placement-api
  [swift]="swift swift-proxy swift-account swift-container swift-object"
  [cinder]="cinder-api cinder-scheduler cinder-volume"
  [nova]="nova-api nova-conductor nova-scheduler nova-compute python3-novaclient"
  [rabbitmq]=rabbitmq-server
)
declare -A DATABASES=(
  [keystone]=keystone [neutron]=neutron [glance]=glance [placement]=placement [cinder]=cinder
  [nova]="nova nova_api nova_cell0"
)
declare -A NEEDS=([nova]="glance placement neutron")
# Catalog entries: "USER TYPE NAME URL" lines.
declare -A CATALOG=(
  [neutron]="neutron network neutron http://127.0.0.1:9696"
  [glance]="glance image glance http://127.0.0.1:9292"
  [placement]="placement placement placement http://127.0.0.1:8778"
  [swift]="swift object-store swift http://127.0.0.1:8080/v1/AUTH_%(project_id)s"
  [cinder]="cinder volumev3 cinderv3 http://127.0.0.1:8776/v3/%(project_id)s
cinder block-storage cinder http://127.0.0.1:8776/v3/%(project_id)s"
  [nova]="nova compute nova http://127.0.0.1:8774/v2.1"
)
# Seconds a service may take to answer once started.
declare -A DEADLINE=(
  [postgres]=30 [memcached]=10 [rabbitmq]=120 [keystone]=90 [neutron]=90 [glance]=60 [placement]=60
  [swift]=60 [cinder]=120 [nova]=180
)
# A name in the cirros convention of rally-jobs (`^(cirros.*-disk|TestVM)$`), which is the runner's default
# RALLY_NOVA_IMAGE: the demo and the tests boot it without naming it. It is not CirrOS: 1 MiB of zeros (ensure_image).
IMAGE_NAME=cirros-fake-disk
FLAVOR_NAME=m1.tiny
# What Nova's resize workload resizes m1.tiny servers to (more RAM, same disk).
RESIZE_FLAVOR_NAME=m1.small

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

is_service() { [[ " ${ALL_SERVICES[*]} " == *" $1 "* ]]; }

# Sets WANT to the named services plus what they need, in canonical order.
resolve_services() {
  local name s
  local -A picked=([keystone]=1)
  (($#)) || set -- "${ALL_SERVICES[@]}"
  for name in "$@"; do
    is_service "$name" || die "unknown service '$name' (known: ${ALL_SERVICES[*]})"
    picked[$name]=1
    for s in ${NEEDS[$name]:-}; do picked[$s]=1; done
  done
  WANT=()
  for s in "${ALL_SERVICES[@]}"; do [[ -n ${picked[$s]:-} ]] && WANT+=("$s"); done
  return 0
}

# Infrastructure the services in WANT run on.
infra_for_want() {
  local s
  INFRA_WANT=(postgres memcached)
  for s in "${WANT[@]}"; do
    if [[ $s == cinder || $s == nova ]]; then INFRA_WANT+=(rabbitmq); break; fi
  done
}

# What must run before NAME can start.
infra_needed_by() {
  case $1 in
    postgres | memcached | rabbitmq) ;;
    swift) echo memcached ;;
    cinder | nova) echo postgres memcached rabbitmq ;;
    *) echo postgres memcached ;;
  esac
}

need_cloud_dir() {
  [[ -n ${CLOUD_DIR:-} ]] || die "set CLOUD_DIR to the folder that holds (or will hold) the cloud's state"
  # One cloud, one name: a symlinked or relative spelling of the folder means the same cloud.
  CLOUD_DIR=$(realpath -m "$CLOUD_DIR")
  [[ $CLOUD_DIR =~ ^/[A-Za-z0-9._/-]+$ ]] || die "CLOUD_DIR '$CLOUD_DIR' must be a plain path (letters, digits, . _ - /)"
  export CLOUD_DIR
  # The daemons start from here: a service user (postgres, rabbitmq) may be unable to enter the caller's
  # folder (a checkout in root's 0700 home), and a daemon must not need it.
  cd /
  # What the cloud writes (configs with the service password, keys, logs) is root's alone; the folders a
  # service user needs are handed to it (init_dir, prepare_postgres, configure_rabbitmq).
  umask 077
}

# Loads (or, at the first `up`, creates) the per-folder passwords.
load_secrets() {
  local file=$CLOUD_DIR/secrets.env
  if [[ ! -s $file ]]; then
    [[ ${1:-} == create ]] || die "$CLOUD_DIR holds no cloud (no secrets.env); run 'up' first"
    (umask 077
     printf 'ADMIN_PASSWORD=adm-%s\nSERVICE_PASSWORD=svc-%s\n' \
       "$(od -An -N10 -tx1 /dev/urandom | tr -d ' \n')" "$(od -An -N10 -tx1 /dev/urandom | tr -d ' \n')" >"$file")
  fi
  # shellcheck disable=SC1090
  source "$file"
}

init_dir() {
  mkdir -p "$CLOUD_DIR"/{run,logs,state}
  # PostgreSQL and RabbitMQ run as their own users and must reach their folders inside (pg/, rabbit/, which
  # they own): they may pass through, not list.
  chmod 711 "$CLOUD_DIR"
  setpriv --reuid=postgres --regid=postgres --init-groups test -x "$CLOUD_DIR" ||
    die "user postgres cannot enter $CLOUD_DIR: a parent folder is closed to other users (a checkout in a 0700 home or mktemp -d folder is); pick a CLOUD_DIR outside it, such as under /var/lib"
  load_secrets create
}

# Serializes up/down/start/stop of every cloud on the machine (they share the ports).
take_machine() {
  exec 9>>"$CLOUD_LOCK"
  flock -w 900 9 || die "another cloud.sh held $CLOUD_LOCK for 15 minutes"
}

# True when some daemon of the cloud in folder $1 is alive.
cloud_alive_in() {
  local f
  for f in "$1"/run/*.pid; do
    [[ -e $f ]] || continue
    (CLOUD_DIR=$1; daemon_alive "$(basename "$f" .pid)") && return 0
  done
  return 1
}

refuse_foreign_cloud() {
  local other
  other=$(cat "$CLOUD_PORT_MARKER" 2>/dev/null || true)
  if [[ -n $other && $other != "$CLOUD_DIR" ]] && cloud_alive_in "$other"; then
    die "the ports are held by the cloud in $other (another CLOUD_DIR); only one cloud runs per machine. Reuse it with CLOUD_DIR=$other, or stop it: CLOUD_DIR=$other bash $0 down"
  fi
}

all_daemons_alive() {
  local d
  for d in ${DAEMONS[$1]}; do daemon_alive "$d" || return 1; done
}

any_daemon_alive() {
  local d
  for d in ${DAEMONS[$1]}; do daemon_alive "$d" && return 0; done
  return 1
}

# Fails when a port NAME needs is taken while none of NAME's daemons from this folder runs (so the port
# belongs to something else).
refuse_taken_ports() {
  local name=$1 port
  any_daemon_alive "$name" && return 0
  for port in ${PORTS[$name]}; do
    if port_busy "$port"; then
      die "port $port (for $name) is taken by $(port_owner "$port" || echo 'an unknown process'); no cloud from $CLOUD_DIR owns it"
    fi
  done
}

is_up() { all_daemons_alive "$1" && "ready_$1"; }

# True when NAME runs with an older configuration than this script writes (a service may define stale_config_NAME).
stale_config() { declare -F "stale_config_$1" >/dev/null && "stale_config_$1"; }

# Starts NAME's daemons unless all run with the current configuration; a half-running service is stopped first.
ensure_started() {
  local name=$1
  if all_daemons_alive "$name"; then
    stale_config "$name" || return 0
    say "$name runs with an older configuration: restarting it"
  else
    # A service may add daemons to a running set (Nova's extra compute hosts) without restarting it.
    if declare -F "add_missing_$name" >/dev/null && "add_missing_$name"; then return 0; fi
  fi
  stop_service_daemons "$name"
  "start_$name"
}

stop_service_daemons() {
  local d pids=()
  for d in ${DAEMONS[$1]}; do
    stop_daemon "$d" "${STOP_SIGNAL[$d]:-TERM}" &
    pids+=($!)
  done
  ((${#pids[@]} == 0)) || wait "${pids[@]}"
}

# wait_up NAME: waits for NAME to answer and says how long the whole `up` had taken by then.
declare -A REPORTED=()
wait_up() {
  [[ -z ${REPORTED[$1]:-} ]] || return 0
  # shellcheck disable=SC2086 # DAEMONS holds a space-separated list of daemon names
  wait_for "$1" "${DEADLINE[$1]}" "ready_$1" ${DAEMONS[$1]}
  say "$1 up in $(since "$T0")s"
  REPORTED[$1]=1
}

# Prepare jobs (database schema, rings, keys) run in the background, in parallel. Keystone's keeps normal
# priority (everything waits for it), Nova's (the longest) comes next, the short others yield to both.
declare -A PREPARE_JOB=() PREPARE_START=() PREPARE_NICE=([keystone]=0 [nova]=5)
launch_prepare() {
  local name=$1 nice=${PREPARE_NICE[$1]:-15}
  marked "$name.prepared" && return 0
  PREPARE_START[$name]=$EPOCHREALTIME
  (renice -n "$nice" -p "$BASHPID" >/dev/null; "prepare_$name") >"$CLOUD_DIR/logs/prepare-$name.log" 2>&1 &
  PREPARE_JOB[$name]=$!
}
PREPARE_DEADLINE=300
join_prepare() {
  local name=$1
  [[ -n ${PREPARE_JOB[$name]:-} ]] || return 0
  while kill -0 "${PREPARE_JOB[$name]}" 2>/dev/null; do
    if (($(since "${PREPARE_START[$name]}" | cut -d. -f1) >= PREPARE_DEADLINE)); then
      say "preparing $name took more than ${PREPARE_DEADLINE}s"; show_logs "prepare-$name"; exit 1
    fi
    sleep 0.2
  done
  if ! wait "${PREPARE_JOB[$name]}"; then
    unset "PREPARE_JOB[$name]"
    say "preparing $name failed"
    # shellcheck disable=SC2086 # DAEMONS holds a space-separated list of daemon names
    show_logs "prepare-$name" ${DAEMONS[$name]}
    exit 1
  fi
  unset "PREPARE_JOB[$name]"
  say "$name prepared in $(since "${PREPARE_START[$name]}")s"
}
kill_prepare_jobs() {
  local job
  for job in "${PREPARE_JOB[@]}"; do
    pkill -TERM -P "$job" 2>/dev/null || true
    kill -TERM "$job" 2>/dev/null || true
  done
}

run_admin() {
  OS_PASSWORD=$ADMIN_PASSWORD SERVICE_PASSWORD=$SERVICE_PASSWORD timeout 180 "$SYS_PYTHON" "$HERE/lib/admin.py" "$@"
}

register_catalog() {
  local s lines="" todo=()
  for s in "$@"; do
    [[ -n ${CATALOG[$s]:-} ]] || continue
    marked "catalog-$s" && continue
    lines+=${CATALOG[$s]}$'\n'
    todo+=("$s")
  done
  ((${#todo[@]})) || return 0
  local start=$EPOCHREALTIME
  run_admin register <<<"$lines" >"$CLOUD_DIR/logs/register.log" 2>&1 ||
    { show_logs register keystone; die "catalog registration failed"; }
  for s in "${todo[@]}"; do mark "catalog-$s"; done
  say "catalog: ${todo[*]} registered in $(since "$start")s"
}

smoke_image_file() { echo "$CLOUD_DIR/images/$IMAGE_NAME.raw"; }

ensure_image() {
  marked "image-$IMAGE_NAME" && return 0
  local file; file=$(smoke_image_file)
  mkdir -p "$(dirname "$file")"
  # A 1 MiB raw disk of zeros: enough for Glance and Nova's fake driver, made here, never downloaded.
  [[ -s $file ]] || head -c 1048576 /dev/zero >"$file"
  run_admin image "$IMAGE_NAME" "$file" >>"$CLOUD_DIR/logs/resources.log" 2>&1 ||
    { show_logs resources glance-api; die "could not create image $IMAGE_NAME"; }
  mark "image-$IMAGE_NAME"
}

# ensure_flavor NAME RAM_MIB
ensure_flavor() {
  marked "flavor-$1" && return 0
  run_admin flavor "$1" "$2" >>"$CLOUD_DIR/logs/resources.log" 2>&1 ||
    { show_logs resources nova-api; die "could not create flavor $1"; }
  mark "flavor-$1"
}

# The services `up` has set up in this folder, in canonical order (a stopped one stays listed: stop-service
# simulates an outage of a service the cloud has).
recorded_services() {
  local s
  for s in "${ALL_SERVICES[@]}"; do marked "service-$s" && echo "$s"; done
  return 0
}

write_outputs() {
  local s list=() image=null flavor=null resize_flavor=null
  (umask 077
   cat >"$CLOUD_DIR/openrc" <<RC
export OS_AUTH_URL=http://127.0.0.1:5000/v3
export OS_USERNAME=admin
export OS_PASSWORD=$ADMIN_PASSWORD
export OS_PROJECT_NAME=admin
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_DOMAIN_NAME=Default
export OS_REGION_NAME=RegionOne
export OS_IDENTITY_API_VERSION=3
RC
  )
  for s in $(recorded_services); do list+=("\"$s\""); done
  marked "image-$IMAGE_NAME" && image="\"$IMAGE_NAME\""
  marked "flavor-$FLAVOR_NAME" && flavor="\"$FLAVOR_NAME\""
  marked "flavor-$RESIZE_FLAVOR_NAME" && resize_flavor="\"$RESIZE_FLAVOR_NAME\""
  local IFS=,
  (umask 077
   cat >"$CLOUD_DIR/cloud.json.new" <<JSON
{
  "authUrl": "http://127.0.0.1:5000/v3",
  "username": "admin",
  "password": "$ADMIN_PASSWORD",
  "projectName": "admin",
  "userDomainName": "Default",
  "projectDomainName": "Default",
  "region": "RegionOne",
  "services": [${list[*]}],
  "image": $image,
  "imageFile": "$(smoke_image_file)",
  "flavor": $flavor,
  "resizeFlavor": $resize_flavor
}
JSON
  )
  mv "$CLOUD_DIR/cloud.json.new" "$CLOUD_DIR/cloud.json"
}

# True when every wanted service and its infrastructure already run and answer, with nothing left to set up.
everything_up() {
  local s
  for s in "${INFRA_WANT[@]}" "${WANT[@]}"; do
    is_up "$s" || return 1
    ! stale_config "$s" || return 1
  done
  for s in "${WANT[@]}"; do
    marked "service-$s" || return 1
    [[ -z ${CATALOG[$s]:-} ]] || marked "catalog-$s" || return 1
  done
  [[ " ${WANT[*]} " != *" glance "* ]] || marked "image-$IMAGE_NAME" || return 1
  [[ " ${WANT[*]} " != *" nova "* ]] || marked "flavor-$FLAVOR_NAME" || return 1
  [[ " ${WANT[*]} " != *" nova "* ]] || marked "$(nova_zones_marker)" || return 1
  [[ " ${WANT[*]} " != *" nova "* ]] || marked "flavor-$RESIZE_FLAVOR_NAME" || return 1
}

wants() { [[ " ${WANT[*]} " == *" $1 "* ]]; }

cmd_up() {
  resolve_services "$@"
  infra_for_want
  need_cloud_dir
  T0=$EPOCHREALTIME
  take_machine
  refuse_foreign_cloud
  init_dir
  if everything_up; then
    write_outputs
    say "already up: ${WANT[*]} (checked in $(since "$T0")s)"
    return 0
  fi
  local s dbs=()
  for s in "${INFRA_WANT[@]}" "${WANT[@]}"; do refuse_taken_ports "$s"; done
  echo "$CLOUD_DIR" >"$CLOUD_PORT_MARKER"
  trap kill_prepare_jobs EXIT
  say "bringing up ${WANT[*]} in $CLOUD_DIR"
  for s in "${INFRA_WANT[@]}" "${WANT[@]}"; do "configure_$s"; done

  prepare_postgres
  ensure_started postgres
  ensure_started memcached
  if wants cinder || wants nova; then ensure_started rabbitmq; fi
  wait_up postgres
  wait_up memcached
  # shellcheck disable=SC2206 # DATABASES holds space-separated names
  for s in "${WANT[@]}"; do dbs+=(${DATABASES[$s]:-}); done
  ensure_databases "${dbs[@]}"
  for s in "${WANT[@]}"; do launch_prepare "$s"; done

  # uwsgi loads Keystone while its database is set up (the app touches the database only per request), but
  # Keystone is up only once both are done.
  ensure_started keystone
  join_prepare keystone
  wait_up keystone
  register_catalog "${WANT[@]}"
  mark service-keystone
  write_outputs

  for s in neutron glance placement swift; do
    wants "$s" || continue
    join_prepare "$s"
    ensure_started "$s"
  done
  if wants cinder || wants nova; then wait_up rabbitmq; fi
  if wants cinder; then join_prepare cinder; ensure_started cinder; fi
  if wants nova; then
    # nova-compute registers with Placement as it starts.
    wait_up placement
    join_prepare nova
    ensure_started nova
  fi
  for s in "${WANT[@]}"; do
    [[ $s == keystone ]] || wait_up "$s"
    mark "service-$s"
  done
  if wants glance; then ensure_image; fi
  if wants nova; then ensure_flavor "$FLAVOR_NAME" 64; ensure_flavor "$RESIZE_FLAVOR_NAME" 128; ensure_nova_zones; fi
  write_outputs
  say "cloud up in $(since "$T0")s: ${WANT[*]}; credentials in $CLOUD_DIR/openrc and $CLOUD_DIR/cloud.json"
}

cmd_down() {
  need_cloud_dir
  [[ -d $CLOUD_DIR/run ]] || { say "nothing to stop in $CLOUD_DIR"; return 0; }
  local start=$EPOCHREALTIME s port i pids=()
  take_machine
  # Services first, in parallel; then what they run on.
  for s in "${ALL_SERVICES[@]}"; do
    stop_service_daemons "$s" &
    pids+=($!)
  done
  wait "${pids[@]}"
  pids=()
  for s in "${INFRA[@]}"; do
    stop_service_daemons "$s" &
    pids+=($!)
  done
  wait "${pids[@]}"
  for s in "${INFRA[@]}" "${ALL_SERVICES[@]}"; do
    for port in ${PORTS[$s]}; do
      for ((i = 0; i < 150; i++)); do port_busy "$port" || break; sleep 0.2; done
      port_busy "$port" && say "warning: port $port is still taken by $(port_owner "$port")"
    done
  done
  if [[ $(cat "$CLOUD_PORT_MARKER" 2>/dev/null) == "$CLOUD_DIR" ]]; then rm -f "$CLOUD_PORT_MARKER"; fi
  say "cloud in $CLOUD_DIR stopped in $(since "$start")s"
}

known_name() { is_service "$1" || [[ " ${INFRA[*]} " == *" $1 "* ]]; }

cmd_stop_service() {
  if (($# != 1)) || ! known_name "$1"; then usage; fi
  need_cloud_dir
  load_secrets
  take_machine
  stop_service_daemons "$1"
  say "$1 stopped"
}

cmd_start_service() {
  if (($# != 1)) || ! known_name "$1"; then usage; fi
  local name=$1
  need_cloud_dir
  load_secrets
  T0=$EPOCHREALTIME
  take_machine
  refuse_foreign_cloud
  if is_service "$name"; then
    marked "$name.prepared" || die "$name was never set up in $CLOUD_DIR; use: CLOUD_DIR=$CLOUD_DIR bash $0 up $name"
  fi
  # A service started alone on a stopped cloud would hold ports with nothing to serve.
  local dep
  for dep in $(infra_needed_by "$name"); do
    daemon_alive "${DAEMONS[$dep]%% *}" || die "$dep of the cloud in $CLOUD_DIR is not running; use 'up' to start the cloud"
  done
  refuse_taken_ports "$name"
  echo "$CLOUD_DIR" >"$CLOUD_PORT_MARKER"
  "configure_$name"
  ensure_started "$name"
  wait_up "$name"
}

cmd_status() {
  need_cloud_dir
  load_secrets
  local names=("$@") s d bad=0 state
  if ((${#names[@]} == 0)); then
    mapfile -t WANT < <(recorded_services)
    ((${#WANT[@]})) || { echo "no services set up in $CLOUD_DIR"; return 1; }
    infra_for_want
    names=("${INFRA_WANT[@]}" "${WANT[@]}")
  fi
  for s in "${names[@]}"; do
    known_name "$s" || die "unknown service '$s'"
    if is_up "$s"; then
      state=up
    else
      bad=1
      state="down"
      for d in ${DAEMONS[$s]}; do daemon_alive "$d" || { state="down ($d not running)"; break; }; done
      [[ $state != down ]] || state="down (running, but does not answer)"
    fi
    printf '%-10s %s\n' "$s" "$state"
  done
  return "$bad"
}

cmd_install() {
  resolve_services "$@"
  infra_for_want
  # shellcheck disable=SC2206 # PACKAGES holds space-separated package names
  local s pkgs=(${PACKAGES[base]}) missing=()
  # shellcheck disable=SC2206
  for s in "${WANT[@]}" "${INFRA_WANT[@]}"; do pkgs+=(${PACKAGES[$s]:-}); done
  local installed
  # dpkg-query fails when it knows some package not at all: that one is missing too.
  installed=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${pkgs[@]}" 2>/dev/null | awk '$2 == "ii" { print $1 }' || true)
  for s in "${pkgs[@]}"; do grep -qxF "$s" <<<"$installed" || missing+=("$s"); done
  if ((${#missing[@]} == 0)); then
    say "packages present for: ${WANT[*]}"
    return 0
  fi
  say "installing ${missing[*]}"
  # Packages must not start their own daemons on the ports this cloud uses.
  local made_policy=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  local rc=0
  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      "${missing[@]}"; } >&2 || rc=$?
  [[ -z $made_policy ]] || rm -f /usr/sbin/policy-rc.d
  ((rc == 0)) || die "apt-get failed ($rc)"
}

# The folder of the cloud that holds the ports, if any of its daemons runs (what to reuse rather than start
# a second cloud, which would be refused).
cmd_running() {
  local dir
  dir=$(cat "$CLOUD_PORT_MARKER" 2>/dev/null) || return 1
  [[ -n $dir ]] && cloud_alive_in "$dir" || return 1
  echo "$dir"
}

main() {
  (($#)) || usage
  local cmd=$1; shift
  case $cmd in
    install) cmd_install "$@" ;;
    # Another tenant's Rally-lookalike resources, which no test may touch (lib/decoys.py).
    up) cmd_up "$@" && timeout 180 "$SYS_PYTHON" "$HERE/lib/decoys.py" seed "$CLOUD_DIR" ;;
    down) (($# == 0)) || usage; cmd_down ;;
    stop-service) cmd_stop_service "$@" ;;
    start-service) cmd_start_service "$@" ;;
    status) cmd_status "$@" ;;
    running) (($# == 0)) || usage; cmd_running ;;
    *) usage ;;
  esac
}

main "$@"
