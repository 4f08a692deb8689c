# PostgreSQL: a private cluster under $CLOUD_DIR/pg, fsync off (the data is disposable).

configure_postgres() { :; }

prepare_postgres() {
  marked postgres.prepared && return 0
  rm -rf "$CLOUD_DIR/pg"
  mkdir -p "$CLOUD_DIR/pg"
  chown postgres: "$CLOUD_DIR/pg"
  chmod 700 "$CLOUD_DIR/pg"
  setpriv --reuid=postgres --regid=postgres --init-groups \
    "$PG_BIN/initdb" -D "$CLOUD_DIR/pg/data" -A trust -U postgres -E UTF8 --locale=C --no-sync \
    >"$CLOUD_DIR/logs/postgres-initdb.log" 2>&1 || { show_logs postgres-initdb; die "initdb failed"; }
  mark postgres.prepared
}

start_postgres() {
  spawn postgres setpriv --reuid=postgres --regid=postgres --init-groups \
    "$PG_BIN/postgres" -D "$CLOUD_DIR/pg/data" -c listen_addresses=127.0.0.1 -c port=5432 \
    -c unix_socket_directories="$CLOUD_DIR/pg" -c max_connections=300 \
    -c fsync=off -c synchronous_commit=off -c full_page_writes=off
}

ready_postgres() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p 5432; }

# SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for every client to leave.
# shellcheck disable=SC2034  # cloud.sh's STOP_SIGNAL (declare -A there), read when it stops the daemons
STOP_SIGNAL["postgres"]=INT

# ensure_databases NAME...: creates the role the services use and the named databases, once each.
ensure_databases() {
  local db sql=""
  marked db-role || sql+="CREATE ROLE os WITH LOGIN SUPERUSER PASSWORD 'os';"$'\n'
  for db in "$@"; do
    marked "db-$db" || sql+="CREATE DATABASE $db OWNER os;"$'\n'
  done
  [[ -n $sql ]] || return 0
  psql_admin -d postgres <<<"$sql" || die "could not create databases: $*"
  mark db-role
  for db in "$@"; do mark "db-$db"; done
}
