# Glance: eventlet glance-api on 127.0.0.1:9292, file store under $CLOUD_DIR/glance.

configure_glance() {
  local dir=$CLOUD_DIR/glance
  mkdir -p "$dir"/{images,staging,tasks,locks}
  cat >"$dir/glance-api.conf" <<CONF
[DEFAULT]
# Stop within 5 s instead of oslo.service's 60 s of draining: nothing here needs draining.
graceful_shutdown_timeout = 5
bind_host = 127.0.0.1
bind_port = 9292
workers = 1
log_file = $CLOUD_DIR/logs/glance-api.log
enabled_backends = file:file
[database]
connection = $DB_URL_BASE/glance
$(ks_authtoken glance)
service_token_roles_required = true
[paste_deploy]
flavor = keystone
config_file = /etc/glance/glance-api-paste.ini
[glance_store]
default_backend = file
[file]
filesystem_store_datadir = $dir/images
[os_glance_staging_store]
filesystem_store_datadir = $dir/staging
[os_glance_tasks_store]
filesystem_store_datadir = $dir/tasks
[oslo_concurrency]
lock_path = $dir/locks
[oslo_policy]
policy_dirs = /etc/glance/policy.d
CONF
}

prepare_glance() {
  marked glance.prepared && return 0
  glance-manage --config-file "$CLOUD_DIR/glance/glance-api.conf" db_sync
  mark glance.prepared
}

start_glance() { spawn glance-api glance-api --config-file "$CLOUD_DIR/glance/glance-api.conf"; }

ready_glance() { http_answers http://127.0.0.1:9292/; }
