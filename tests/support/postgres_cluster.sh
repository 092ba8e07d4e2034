#!/usr/bin/env bash
# postgres_cluster.sh start|stop|pause|resume DIR: a private PostgreSQL cluster for the tests —
# initdb in DIR/data, the server on a free loopback port with its socket in DIR, no system
# service. `start` writes the connection URI of the database `gatehouse` (user `gatehouse`,
# trust authentication on loopback) to DIR/uri. `pause` stops the server (a fast shutdown: its
# clients' connections are cut) keeping the data; `resume` starts it again on the same port. PostgreSQL refuses to run as root: as root, the cluster runs as the
# `postgres` user that Debian's package creates.
set -euo pipefail
action=$1
dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ]; then
  echo "postgres_cluster: no PostgreSQL under /usr/lib/postgresql (scripts/install-deps)" >&2
  exit 1
fi
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop() {
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
}

run_server() {
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $(cat "$dir/port") -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
}

case "$action" in
  start)
    stop
    rm -rf "$dir"
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
    as_owner "$bin/initdb" -D "$dir/data" -A trust -U gatehouse -E UTF8 --locale=C.UTF-8 \
      --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    echo "$port" >"$dir/port"
    run_server
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U gatehouse gatehouse
    echo "postgresql://gatehouse@127.0.0.1:$port/gatehouse" >"$dir/uri"
    echo "postgres_cluster: started on port $port"
    ;;
  stop)
    stop
    rm -rf "$dir"
    ;;
  pause)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  resume)
    run_server
    ;;
  *)
    echo "usage: postgres_cluster.sh start|stop|pause|resume DIR" >&2
    exit 2
    ;;
esac
