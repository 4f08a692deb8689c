# RabbitMQ: the RPC bus of Cinder and Nova. epmd is started first, by us, so that it stays in a process
# group we stop (the one Erlang starts on its own daemonizes out of reach).

RABBIT_DIR() { echo "$CLOUD_DIR/rabbit"; }

configure_rabbitmq() {
  local dir; dir=$(RABBIT_DIR)
  mkdir -p "$dir/mnesia" "$dir/log"
  echo '[].' >"$dir/enabled_plugins"
  # Debian's rabbitmq runs as user rabbitmq, which must own its folders or it dies after about 60 s.
  chown -R rabbitmq: "$dir"
}
prepare_rabbitmq() { :; }

start_rabbitmq() {
  local dir; dir=$(RABBIT_DIR)
  daemon_alive epmd || spawn epmd setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups \
    epmd -address 127.0.0.1 -port 4369
  wait_for "epmd" 10 "port_busy 4369" epmd
  spawn rabbitmq env HOME="$dir" RABBITMQ_NODENAME=rabbit@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT=5672 ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT=4369 RABBITMQ_DIST_PORT=25672 \
    RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_PID_FILE="$dir/rabbit.pid" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" RABBITMQ_LOGS=- \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
    setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups /usr/lib/rabbitmq/bin/rabbitmq-server
}

ready_rabbitmq() { port_busy 5672; }
