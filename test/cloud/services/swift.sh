# Swift on one node: account, container and object servers with one replica on a folder, and the proxy on
# 127.0.0.1:8080 with Keystone auth. /etc/swift/swift.conf (hash prefix and suffix) is read from its fixed
# path; the packaged one is used as it is.

SWIFT_STORAGE=(account:6202 container:6201 object:6200)

configure_swift() {
  local dir=$CLOUD_DIR/swift entry kind port
  mkdir -p "$dir/srv/d1" "$dir/run"
  for entry in "${SWIFT_STORAGE[@]}"; do
    kind=${entry%%:*}; port=${entry##*:}
    # workers = 0: one process serves, which is plenty for tests.
    cat >"$dir/$kind-server.conf" <<CONF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $port
workers = 0
user = root
swift_dir = $dir
devices = $dir/srv
mount_check = false
log_name = swift-$kind
[pipeline:main]
pipeline = healthcheck recon $kind-server
[app:$kind-server]
use = egg:swift#$kind
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:recon]
use = egg:swift#recon
recon_cache_path = $dir/run
[$kind-replicator]
[$kind-updater]
[$kind-auditor]
CONF
  done
  cat >"$dir/proxy-server.conf" <<CONF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = 8080
workers = 1
user = root
swift_dir = $dir
log_name = swift-proxy
[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk authtoken keystoneauth copy slo dlo versioned_writes symlink proxy-logging proxy-server
[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true
[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
www_authenticate_uri = http://127.0.0.1:5000
memcached_servers = 127.0.0.1:11211
$(ks_login swift)
delay_auth_decision = True
[filter:keystoneauth]
use = egg:swift#keystoneauth
operator_roles = admin, member, _member_, swiftoperator
reseller_admin_role = ResellerAdmin
[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:11211
[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:bulk]
use = egg:swift#bulk
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
[filter:versioned_writes]
use = egg:swift#versioned_writes
[filter:symlink]
use = egg:swift#symlink
CONF
}

# The three rings, built in one Python process (swift-ring-builder costs a start-up per call).
prepare_swift() {
  marked swift.prepared && return 0
  "$SYS_PYTHON" "$HERE/lib/swift_rings.py" "$CLOUD_DIR/swift" "${SWIFT_STORAGE[@]}"
  mark swift.prepared
}

start_swift() {
  local entry kind
  for entry in "${SWIFT_STORAGE[@]}"; do
    kind=${entry%%:*}
    spawn "swift-$kind" "swift-$kind-server" "$CLOUD_DIR/swift/$kind-server.conf" -v
  done
  spawn swift-proxy swift-proxy-server "$CLOUD_DIR/swift/proxy-server.conf" -v
}

ready_swift() {
  local entry
  for entry in "${SWIFT_STORAGE[@]}"; do http_answers "http://127.0.0.1:${entry##*:}/healthcheck" || return 1; done
  http_answers http://127.0.0.1:8080/healthcheck
}
