# Neutron: neutron-server alone (ML2, no agents, fake RPC transport) on 127.0.0.1:9696. Networks, subnets,
# ports, routers and security groups all work through the API; ports stay unbound.

configure_neutron() {
  local dir=$CLOUD_DIR/neutron
  mkdir -p "$dir/state" "$dir/locks"
  cat >"$dir/neutron.conf" <<CONF
[DEFAULT]
# Stop within 5 s instead of oslo.service's 60 s of draining: nothing here needs draining.
graceful_shutdown_timeout = 5
bind_host = 127.0.0.1
bind_port = 9696
api_workers = 1
rpc_workers = 0
rpc_state_report_workers = 0
core_plugin = ml2
service_plugins = router
auth_strategy = keystone
state_path = $dir/state
log_file = $CLOUD_DIR/logs/neutron-server.log
transport_url = fake:/
notify_nova_on_port_status_changes = false
notify_nova_on_port_data_changes = false
dhcp_agent_notification = false
allow_overlapping_ips = true
[database]
connection = $DB_URL_BASE/neutron
$(ks_authtoken neutron)
[oslo_concurrency]
lock_path = $dir/locks
[oslo_messaging_notifications]
driver = noop
[oslo_policy]
policy_dirs = /etc/neutron/policy.d
[agent]
root_helper = true
CONF
  cat >"$dir/ml2_conf.ini" <<CONF
[ml2]
type_drivers = flat,vlan,vxlan
tenant_network_types = vxlan
mechanism_drivers = openvswitch
extension_drivers = port_security
[ml2_type_flat]
flat_networks = *
[ml2_type_vxlan]
vni_ranges = 1:10000
[ml2_type_vlan]
network_vlan_ranges = physnet1:100:200
CONF
}

prepare_neutron() {
  marked neutron.prepared && return 0
  neutron-db-manage --config-file "$CLOUD_DIR/neutron/neutron.conf" \
    --config-file "$CLOUD_DIR/neutron/ml2_conf.ini" upgrade heads
  mark neutron.prepared
}

start_neutron() {
  spawn neutron-server neutron-server --config-file "$CLOUD_DIR/neutron/neutron.conf" \
    --config-file "$CLOUD_DIR/neutron/ml2_conf.ini"
}

ready_neutron() { http_answers http://127.0.0.1:9696/; }
