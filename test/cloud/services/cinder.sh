# Cinder: api (127.0.0.1:8776), scheduler and volume with the fake driver shipped in python3-cinder (no
# disks, volumes exist only in the database). Talks over RabbitMQ. The driver is that fake with an extend that
# works (lib/cinder-path/rally_monitor_fake_volume.py: the shipped one fails every extend).

# Bump when cinder.conf changes in a way running daemons must see: `up` then restarts Cinder once.
CINDER_CONFIG_REVISION=2

configure_cinder() {
  local dir=$CLOUD_DIR/cinder
  mkdir -p "$dir/state" "$dir/locks" "$dir/lib"
  # Copied into the cloud's folder: the daemons outlive the checkout that started them.
  cp "$HERE/lib/cinder-path/rally_monitor_fake_volume.py" "$dir/lib/"
  export PYTHONPATH=$dir/lib${PYTHONPATH:+:$PYTHONPATH}
  cat >"$dir/cinder.conf" <<CONF
# revision $CINDER_CONFIG_REVISION
[DEFAULT]
# Stop within 5 s instead of oslo.service's 60 s of draining: nothing here needs draining.
graceful_shutdown_timeout = 5
transport_url = rabbit://guest:guest@127.0.0.1:5672/
auth_strategy = keystone
osapi_volume_listen = 127.0.0.1
osapi_volume_listen_port = 8776
osapi_volume_workers = 1
api_paste_config = /etc/cinder/api-paste.ini
state_path = $dir/state
enabled_backends = fake
default_volume_type = __DEFAULT__
periodic_fuzzy_delay = 0
[database]
connection = $DB_URL_BASE/cinder
$(ks_authtoken cinder)
[oslo_concurrency]
lock_path = $dir/locks
[oslo_messaging_notifications]
driver = noop
[fake]
volume_driver = rally_monitor_fake_volume.ExtendingFakeVolumeDriver
volume_backend_name = fake
CONF
}

prepare_cinder() {
  marked cinder.prepared && return 0
  cinder-manage --config-file "$CLOUD_DIR/cinder/cinder.conf" db sync
  mark cinder.prepared
}

start_cinder() {
  local svc
  echo "$CINDER_CONFIG_REVISION" >"$CLOUD_DIR/state/cinder-config-revision"
  for svc in api scheduler volume; do
    spawn "cinder-$svc" "cinder-$svc" --config-file "$CLOUD_DIR/cinder/cinder.conf" \
      --log-file "$CLOUD_DIR/logs/cinder-$svc.log"
  done
}

# True when the running Cinder was started with an older cinder.conf than this script writes.
stale_config_cinder() {
  [[ $(cat "$CLOUD_DIR/state/cinder-config-revision" 2>/dev/null) != "$CINDER_CONFIG_REVISION" ]]
}

# Up when the API answers and the scheduler knows the fake backend's pool (else volume creation fails
# with "No valid backend").
ready_cinder() {
  http_answers http://127.0.0.1:8776/ && admin_token || return 1
  [[ $(authed_get http://127.0.0.1:8776/v3/scheduler-stats/get_pools) == *'"name"'* ]]
}
