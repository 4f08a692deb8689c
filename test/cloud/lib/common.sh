# Helpers shared by cloud.sh and the service modules: messages, timing, daemons tracked by pid file,
# readiness waits with deadlines. Sourced, never run.
# shellcheck disable=SC2034  # the settings below are read by cloud.sh and the service modules that source this

CLOUD_PORT_MARKER=/run/rally-monitor-cloud.dir
CLOUD_LOCK=/run/rally-monitor-cloud.lock
SYS_PYTHON=/usr/bin/python3   # a pyenv python3 may come first on PATH and lacks the OpenStack libraries
# shellcheck disable=SC2012  # version folders (15, 16, ...): plain names, sorted by version below
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
DB_URL_BASE=postgresql+psycopg2://os:os@127.0.0.1

say() { printf '[cloud] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# Seconds (one decimal) since the $EPOCHREALTIME value given.
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

pidfile_of() { echo "$CLOUD_DIR/run/$1.pid"; }

# Field 22 of /proc/PID/stat: start time in clock ticks. Kept next to the pid so a recycled pid is never
# mistaken for our daemon. Fails for a zombie: here PID 1 may take seconds to reap orphans.
proc_starttime() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  # shellcheck disable=SC2086  # split the fields of /proc/PID/stat (after the command name) into $1...
  set -- $stat
  [[ $1 != Z ]] || return 1
  echo "${20}"
}

# True while a live (non-zombie) process is in process group $1.
group_alive() { ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'; }

# Prints the pid of daemon NAME if it is alive and is the process we started.
daemon_pid() {
  local file pid start
  file=$(pidfile_of "$1")
  [[ -r $file ]] || return 1
  read -r pid start <"$file" || return 1
  [[ -n $pid && $(proc_starttime "$pid") == "$start" ]] || return 1
  echo "$pid"
}
daemon_alive() { daemon_pid "$1" >/dev/null; }

# Closes every descriptor above 2 of the current (sub)shell.
close_inherited_fds() {
  local fd
  for fd in "/proc/$BASHPID/fd"/*; do
    fd=${fd##*/}
    if ((fd > 2)); then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
}

# spawn NAME CMD... : runs CMD in its own session (so it survives the calling shell and can be stopped
# as a process group), stdout/stderr to logs/NAME.out, pid file run/NAME.pid.
spawn() {
  local name=$1; shift
  local file tmp pid i
  file=$(pidfile_of "$name"); tmp=$file.new
  rm -f "$tmp"
  # A daemon keeps none of its caller's open files: fd 9 is the machine lock, and a caller's other descriptors
  # may be locks too (`flock FILE cmd` hands its lock to cmd), which a daemon would hold for its whole life.
  # The inner shell expands $$, $0 and $@, not this one.
  # shellcheck disable=SC2016
  (close_inherited_fds
   exec setsid /bin/sh -c 'echo $$ >"$0"; exec "$@"' "$tmp" "$@" </dev/null >>"$CLOUD_DIR/logs/$name.out" 2>&1) &
  for ((i = 0; i < 100; i++)); do
    [[ -s $tmp ]] && break
    sleep 0.02
  done
  read -r pid <"$tmp" || die "could not start $name"
  echo "$pid $(proc_starttime "$pid")" >"$file"
  rm -f "$tmp"
}

# stop_daemon NAME [SIGNAL]: signals the daemon (which stops its own workers), waits for its whole process
# group to go, SIGKILLs the group after 20 s.
stop_daemon() {
  local name=$1 sig=${2:-TERM} file pid start i
  file=$(pidfile_of "$name")
  if ! pid=$(daemon_pid "$name"); then
    # The leader is gone, but its workers may live on (a swift-proxy worker keeps serving). Linux reuses no
    # pid while a process group still bears it, so live members of this group are the leader's orphans.
    # A live process with that pid but another start time means the pid was reused: not ours.
    pid=""
    [[ ! -r $file ]] || read -r pid start <"$file" || pid=""
    if [[ -z $pid ]] || proc_starttime "$pid" >/dev/null || ! group_alive "$pid"; then
      rm -f "$file"
      return 0
    fi
    say "$name (pid $pid) is gone but left workers; stopping them"
    sig=TERM
    kill -TERM -- "-$pid" 2>/dev/null || true
  else
    kill "-$sig" "$pid" 2>/dev/null || true
  fi
  for ((i = 0; i < 200; i++)); do
    group_alive "$pid" || break
    sleep 0.1
  done
  if group_alive "$pid"; then
    say "$name (pid $pid) ignored SIG$sig for 20 s, killing it"
    kill -KILL -- "-$pid" 2>/dev/null || true
    sleep 0.2
  fi
  rm -f "$file"
}

port_busy() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }
port_owner() { ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'users:.*' | head -1; }

# HTTP status of URL, 000 when nothing answers.
http_code() { curl -s -o /dev/null -m "${2:-3}" -w '%{http_code}' "$1" 2>/dev/null || true; }
http_answers() {
  local code
  code=$(http_code "$1" "${2:-3}")
  [[ $code =~ ^[234] ]]
}

# Last lines of the logs of the given daemons, for failure messages.
show_logs() {
  local name f
  for name in "$@"; do
    for f in "$CLOUD_DIR/logs/$name.log" "$CLOUD_DIR/logs/$name.out"; do
      [[ -s $f ]] || continue
      printf '[cloud] ---- last lines of %s ----\n' "$f" >&2
      tail -n 25 "$f" | grep -v -F -e "${ADMIN_PASSWORD:-no-password-yet}" >&2 || true
    done
  done
}

# wait_for WHAT SECONDS CHECK DAEMON... : polls CHECK (a command) until it succeeds. Fails with the daemons'
# log tails when a daemon dies or the deadline passes.
wait_for() {
  local what=$1 limit=$2 check=$3; shift 3
  local start=$EPOCHREALTIME d
  while ! eval "$check"; do
    for d in "$@"; do
      daemon_alive "$d" || { say "$d died while waiting for $what"; show_logs "$@"; exit 1; }
    done
    if (($(since "$start" | cut -d. -f1) >= limit)); then
      say "$what not ready after ${limit}s"; show_logs "$@"; exit 1
    fi
    sleep 0.2
  done
}

mark() { : >"$CLOUD_DIR/state/$1"; }
marked() { [[ -e $CLOUD_DIR/state/$1 ]]; }

# Lines of an [keystone_authtoken]-like section: how a service logs in to Keystone as USER.
ks_login() {
  cat <<CONF
auth_url = http://127.0.0.1:5000
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $1
password = $SERVICE_PASSWORD
region_name = RegionOne
CONF
}
ks_authtoken() {
  cat <<CONF
[keystone_authtoken]
www_authenticate_uri = http://127.0.0.1:5000
memcached_servers = 127.0.0.1:11211
$(ks_login "$1")
CONF
}

export PGCONNECT_TIMEOUT=5
psql_admin() { psql -h 127.0.0.1 -p 5432 -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

# Sets ADMIN_TOKEN (once per process) to a project-scoped admin token. The password goes to curl on stdin,
# never on its command line.
ADMIN_TOKEN=""
admin_token() {
  [[ -z $ADMIN_TOKEN ]] || return 0
  ADMIN_TOKEN=$(curl -s -m 10 -D - -o /dev/null -H 'Content-Type: application/json' --data-binary @- \
    http://127.0.0.1:5000/v3/auth/tokens <<JSON | tr -d '\r' | awk 'tolower($1) == "x-subject-token:" { print $2 }'
{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin",
  "domain": {"name": "Default"}, "password": "$ADMIN_PASSWORD"}}},
  "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}}}}
JSON
  )
  [[ -n $ADMIN_TOKEN ]]
}

# Body of a GET with the admin token; call admin_token first (in the calling shell, so it is kept).
authed_get() { curl -s -m 5 -H "X-Auth-Token: $ADMIN_TOKEN" "$@"; }
