# Placement under uwsgi on 127.0.0.1:8778. The packaged uwsgi ini is not used: Debian's uwsgi 2.0.21
# rejects its --wsgi-manage-chunked-input.

configure_placement() {
  local dir=$CLOUD_DIR/placement
  mkdir -p "$dir"
  cat >"$dir/placement.conf" <<CONF
[DEFAULT]
log_file = $CLOUD_DIR/logs/placement.log
[api]
auth_strategy = keystone
$(ks_authtoken placement)
[placement_database]
connection = $DB_URL_BASE/placement
[oslo_policy]
policy_dirs = /etc/placement/policy.d
CONF
}

prepare_placement() {
  marked placement.prepared && return 0
  placement-manage --config-file "$CLOUD_DIR/placement/placement.conf" db sync
  mark placement.prepared
}

# The wsgi script reads $OS_PLACEMENT_CONFIG_DIR/placement.conf.
start_placement() {
  spawn placement uwsgi --plugins http,python3 --http 127.0.0.1:8778 --http-keepalive \
    --wsgi-file /usr/bin/placement-api --processes 1 --threads 4 --master --die-on-term --lazy-apps \
    --buffer-size 65535 --http-chunked-input --http-auto-chunked --http-raw-body \
    --env "OS_PLACEMENT_CONFIG_DIR=$CLOUD_DIR/placement"
}

# uwsgi's master stops at once on SIGINT; on SIGTERM it may wait for its workers' graceful reload.
# shellcheck disable=SC2034  # cloud.sh's STOP_SIGNAL (declare -A there), read when it stops the daemons
STOP_SIGNAL["placement"]=INT

ready_placement() { http_answers http://127.0.0.1:8778/; }
