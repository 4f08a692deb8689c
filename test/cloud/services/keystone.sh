# Keystone under uwsgi on 127.0.0.1:5000, PostgreSQL, token and catalog cache in memcached.

configure_keystone() {
  local dir=$CLOUD_DIR/keystone
  mkdir -p "$dir"
  cat >"$dir/keystone.conf" <<CONF
[DEFAULT]
log_file = $CLOUD_DIR/logs/keystone.log
[database]
connection = $DB_URL_BASE/keystone
[fernet_tokens]
key_repository = $dir/fernet
[fernet_receipts]
key_repository = $dir/fernet
[credential]
key_repository = $dir/credential
[catalog]
driver = sql
[cache]
# Without the cache every token validation costs about 200 SQL queries.
enabled = true
backend = dogpile.cache.pymemcache
memcache_servers = 127.0.0.1:11211
[oslo_policy]
policy_dirs = /etc/keystone/policy.d
[identity]
# Test users need no strong hashing; 4 rounds make user creation take milliseconds, not seconds.
password_hash_rounds = 4
CONF
  fernet_repo "$dir/fernet"
  fernet_repo "$dir/credential"
}

# A Fernet key repository as keystone-manage fernet_setup/credential_setup leave it (key 0 staged, key 1
# primary), written directly to save two Python start-ups.
fernet_repo() {
  local dir=$1 i
  [[ -s $dir/1 ]] && return 0
  mkdir -p "$dir"; chmod 700 "$dir"
  for i in 0 1; do
    (umask 077; head -c 32 /dev/urandom | base64 | tr '+/' '-_' >"$dir/$i")
  done
}

prepare_keystone() {
  marked keystone.prepared && return 0
  local dir=$CLOUD_DIR/keystone
  # The password goes through the environment, never the command line.
  OS_BOOTSTRAP_PASSWORD=$ADMIN_PASSWORD "$SYS_PYTHON" "$HERE/lib/keystone_db.py" "$dir/keystone.conf"
  mark keystone.prepared
}

# uwsgi's --http router keeps connections alive (--http-socket resets them); --die-on-term because uwsgi
# otherwise takes SIGTERM as "reload".
start_keystone() {
  spawn keystone uwsgi --plugins http,python3 --http 127.0.0.1:5000 --http-keepalive \
    --wsgi-file /usr/bin/keystone-wsgi-public --processes 2 --threads 4 --master --die-on-term \
    --buffer-size 65535 --env "OS_KEYSTONE_CONFIG_FILES=$CLOUD_DIR/keystone/keystone.conf"
}

# uwsgi's master stops at once on SIGINT; on SIGTERM it may wait for its workers' graceful reload.
# shellcheck disable=SC2034  # cloud.sh's STOP_SIGNAL (declare -A there), read when it stops the daemons
STOP_SIGNAL["keystone"]=INT

ready_keystone() { http_answers http://127.0.0.1:5000/v3; }
