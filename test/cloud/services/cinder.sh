# Cinder: api (127.0.0.1:8776), scheduler and volume with the fake driver shipped in python3-cinder (no
# disks, volumes exist only in the database). Talks over RabbitMQ.

configure_cinder() {
  local dir=$CLOUD_DIR/cinder
  mkdir -p "$dir/state" "$dir/locks"
  cat >"$dir/cinder.conf" <<CONF
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
volume_driver = cinder.tests.fake_driver.FakeLoggingVolumeDriver
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
  for svc in api scheduler volume; do
    spawn "cinder-$svc" "cinder-$svc" --config-file "$CLOUD_DIR/cinder/cinder.conf" \
      --log-file "$CLOUD_DIR/logs/cinder-$svc.log"
  done
}

# Up when the API answers and the scheduler knows the fake backend's pool (else volume creation fails
# with "No valid backend").
ready_cinder() {
  http_answers http://127.0.0.1:8776/ && admin_token || return 1
  [[ $(authed_get http://127.0.0.1:8776/v3/scheduler-stats/get_pools) == *'"name"'* ]]
}
