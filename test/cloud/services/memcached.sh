# memcached: Keystone's cache and the services' token cache. Runs in the foreground so spawn keeps its pid
# (with -d -P it writes the pid file only after dropping to user memcache).

configure_memcached() { :; }
prepare_memcached() { :; }
start_memcached() { spawn memcached memcached -u memcache -l 127.0.0.1 -p 11211 -U 0 -m 64; }
ready_memcached() { port_busy 11211; }
