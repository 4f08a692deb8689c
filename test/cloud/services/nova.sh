# Nova: api (127.0.0.1:8774), conductor, scheduler and compute with the fake virt driver. Servers boot
# port-less (a tenant without a network) and become ACTIVE without any hypervisor.
#
# Availability zones: besides the first compute host (`minicloud`), more fake compute hosts run, each a
# nova-compute with its own `host`, and every host is in a host aggregate that carries an availability zone
# (Nova's way: nova/compute/api.py AggregateAPI, `availability_zone` metadata). The first host is in one too:
# Nova's default zone `nova`, which no aggregate carries, constrains nothing under the placement pre-filter
# (nova/scheduler/request_filter.py map_az_to_placement_aggregate), so a server asked into it could land in any
# zone. Moving a host into an aggregate moves no server. The canary deploy boots one server per zone.

# Extra compute hosts (daemon nova-compute-<host>) and the zones they make up: "ZONE=HOST,HOST".
NOVA_EXTRA_HOSTS=(minicloud-b minicloud-c1 minicloud-c2)
NOVA_ZONES=("zone-a=minicloud" "zone-b=minicloud-b" "zone-c=minicloud-c1,minicloud-c2")

# The compute driver is Nova's SmallFakeDriver with the snapshot upload a real driver does
# (lib/nova-path/rally_monitor_fake_virt.py, importable as nova.virt.rally_monitor_fake_virt through
# lib/nova-path/sitecustomize.py), so a snapshot becomes an active Glance image. Resizes may stay on the same host
# (allow_resize_to_same_host). Nova sends its service token along with the user's ([service_user]): Cinder lets
# only a service delete a volume attachment (cinder/volume/api.py attachment_deletion_allowed, OSSA-2023-003),
# so without it every detach stays `detaching` ("ConflictNovaUsingAttachment").

# Bump when nova.conf changes in a way running daemons must see: `up` then restarts Nova once (stale_config_nova).
NOVA_CONFIG_REVISION=2

configure_nova() {
  local dir=$CLOUD_DIR/nova
  mkdir -p "$dir/state" "$dir/instances" "$dir/locks" "$dir/lib"
  # The driver is copied into the cloud's folder: the daemons outlive the checkout that started them (the demo's
  # fresh clone). Every daemon started after this finds it (start_nova, start-service).
  cp "$HERE/lib/nova-path/rally_monitor_fake_virt.py" "$HERE/lib/nova-path/sitecustomize.py" "$dir/lib/"
  export PYTHONPATH=$dir/lib${PYTHONPATH:+:$PYTHONPATH}
  cat >"$dir/nova.conf" <<CONF
# revision $NOVA_CONFIG_REVISION
[DEFAULT]
# Stop within 5 s instead of oslo.service's 60 s of draining: nothing here needs draining.
graceful_shutdown_timeout = 5
transport_url = rabbit://guest:guest@127.0.0.1:5672/
compute_driver = rally_monitor_fake_virt.SnapshotUploadingFakeDriver
allow_resize_to_same_host = true
enabled_apis = osapi_compute
osapi_compute_listen = 127.0.0.1
osapi_compute_listen_port = 8774
osapi_compute_workers = 1
state_path = $dir/state
instances_path = $dir/instances
my_ip = 127.0.0.1
host = minicloud
# Periodic tasks start at once, so the compute host is known to Placement and mapped to its cell within
# seconds, not after a random delay of up to a minute.
periodic_fuzzy_delay = 0
[conductor]
workers = 1
[scheduler]
workers = 1
discover_hosts_in_cells_interval = 2
[wsgi]
api_paste_config = /etc/nova/api-paste.ini
[api]
auth_strategy = keystone
[api_database]
connection = $DB_URL_BASE/nova_api
[database]
connection = $DB_URL_BASE/nova
$(ks_authtoken nova)
[placement]
$(ks_login placement)
[service_user]
send_service_user_token = true
$(ks_login nova)
[neutron]
$(ks_login neutron)
[glance]
region_name = RegionOne
[cinder]
os_region_name = RegionOne
[oslo_concurrency]
lock_path = $dir/locks
[oslo_messaging_notifications]
driver = noop
CONF
  local host
  for host in "${NOVA_EXTRA_HOSTS[@]}"; do
    # Read after nova.conf: only the host name differs (the fake driver names its node after the host).
    printf '[DEFAULT]\nhost = %s\n' "$host" >"$dir/compute-$host.conf"
  done
}

prepare_nova() {
  marked nova.prepared && return 0
  "$SYS_PYTHON" "$HERE/lib/nova_db.py" "$CLOUD_DIR/nova/nova.conf" "$DB_URL_BASE/nova_cell0"
  mark nova.prepared
}

start_nova() {
  local svc
  date -u '+%Y-%m-%d %H:%M:%S' >"$CLOUD_DIR/state/nova-started-at"
  echo "$NOVA_CONFIG_REVISION" >"$CLOUD_DIR/state/nova-config-revision"
  for svc in conductor scheduler compute api; do
    spawn "nova-$svc" "nova-$svc" --config-file "$CLOUD_DIR/nova/nova.conf" --log-file "$CLOUD_DIR/logs/nova-$svc.log"
  done
  start_extra_computes
}

start_extra_computes() {
  local host
  for host in "${NOVA_EXTRA_HOSTS[@]}"; do
    daemon_alive "nova-compute-$host" && continue
    spawn "nova-compute-$host" nova-compute --config-file "$CLOUD_DIR/nova/nova.conf" \
      --config-file "$CLOUD_DIR/nova/compute-$host.conf" --log-file "$CLOUD_DIR/logs/nova-compute-$host.log"
  done
}

# On a running Nova that lacks some extra compute host (a cloud from before the zones, or one host died): start
# just those, without restarting the rest (cloud.sh ensure_started).
add_missing_nova() {
  local svc
  for svc in conductor scheduler compute api; do daemon_alive "nova-$svc" || return 1; done
  start_extra_computes
}

nova_daemons() {
  local host
  printf '%s\n' nova-conductor nova-scheduler nova-compute nova-api
  for host in "${NOVA_EXTRA_HOSTS[@]}"; do echo "nova-compute-$host"; done
}

# The zones' aggregates, once every compute host has reported in (lib/admin.py azs; idempotent).
# The marker names the layout, so a cloud set up with an older one gets the new aggregates at its next `up`.
nova_zones_marker() { echo "nova-zones-$(printf '%s ' "${NOVA_ZONES[@]}" | md5sum | cut -c1-8)"; }
ensure_nova_zones() {
  marked "$(nova_zones_marker)" && return 0
  run_admin azs "${NOVA_ZONES[@]}" >>"$CLOUD_DIR/logs/resources.log" 2>&1 ||
    { show_logs resources nova-api; die "could not set up Nova's availability zones"; }
  mark "$(nova_zones_marker)"
}

# True when the running Nova was started with an older nova.conf than this script writes.
stale_config_nova() {
  [[ $(cat "$CLOUD_DIR/state/nova-config-revision" 2>/dev/null) != "$NOVA_CONFIG_REVISION" ]]
}

# Up when the API answers, every compute host is mapped to its cell, and every nova-compute has reported in since
# Nova was started (the first report comes 5 s after start): servers cannot be scheduled before.
ready_nova() {
  http_answers http://127.0.0.1:8774/ || return 1
  local hosts=$((1 + ${#NOVA_EXTRA_HOSTS[@]}))
  [[ $(psql_admin -d nova_api -c "SELECT count(*) FROM host_mappings" 2>/dev/null) -ge $hosts ]] || return 1
  local since_start
  since_start=$(cat "$CLOUD_DIR/state/nova-started-at" 2>/dev/null) || return 1
  [[ $(psql_admin -d nova -c "SELECT count(*) FROM services WHERE \"binary\" = 'nova-compute'
    AND deleted = 0 AND updated_at >= '$since_start'" 2>/dev/null) -ge $hosts ]]
}
