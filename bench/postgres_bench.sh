#!/usr/bin/env bash
# postgres_bench.sh BUILD_DIR [writes] [propagation] [nginx]: gatehouse on PostgreSQL, each part
# on a private cluster of its own (tests/support/postgres_cluster.sh; all parts by default):
#   writes       durable CreateUser through gatehouse (bench/iam_load, $CLIENTS keep-alive
#                connections) against pgbench inserting one row per transaction with as many
#                clients on the same cluster, in alternating rounds ($ROUNDS, default 3); the
#                medians and their ratio (and, for comparison, pgbench's rate with every insert
#                under one advisory lock, and with one client).
#   propagation  a CreateUser on instance A, then GetUser on instance B until it answers, one
#                write at a time: p50 and p99 of the delay over $WRITES writes (default 1,000).
#   nginx        GetCallerIdentity by presigned URLs of 16 callers with wrk, through nginx running
#                docs/examples/nginx-gatehouse.conf over two instances, and against one instance
#                directly, in alternating rounds ($ROUNDS, default 3); the medians and their ratio.
# DURATION (default 10s) is each pgbench and wrk run; CLIENTS (default 16) the writers of both,
# each gatehouse writer making PER_CLIENT (default 1,000) CreateUser calls;
# THREADS (default: CLIENTS) the writing instance's --threads (0: one per core). A write holds
# its thread until its group's COMMIT is flushed, so the threads bound how many commits share
# one flush; the other parts run with one thread per core.
set -euo pipefail
source "$(dirname "$0")/common.sh"
build=$(cd "${1:-build}" && pwd)
shift || true
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(writes propagation nginx)
duration=${DURATION:-10s}
clients=${CLIENTS:-16}
per_client=${PER_CLIENT:-1000}
rounds=${ROUNDS:-3}
writes=${WRITES:-1000}
threads=${THREADS:-$clients}
here=$(cd "$(dirname "$0")/.." && pwd)
cluster="$here/tests/support/postgres_cluster.sh"
work=$(mktemp -d)
chmod 755 "$work"  # the cluster runs as postgres, nginx's workers as nobody, when run by root
clusters=()
cleanup_extra() {
  for c in "${clusters[@]}"; do "$cluster" stop "$c" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}

master_key=$(python3 -c 'import secrets; print(secrets.token_hex(32))')

# start_cluster NAME: a private cluster in $work/NAME; sets uri.
start_cluster() {
  "$cluster" start "$work/$1" >/dev/null
  clusters+=("$work/$1")
  uri=$(cat "$work/$1/uri")
}

# start_instance NAME: `gatehouse serve` on $uri with data in $work/NAME; sets port.
start_instance() {
  port=$(free_port)
  mkdir -p "$work/$1"
  GATEHOUSE_MASTER_KEY=$master_key "$build/gatehouse" serve --listen "127.0.0.1:$port" \
    --data "$work/$1" --database "$uri" --log-level warn --max-connections-per-client 0 \
    --threads "${instance_threads:-0}" \
    >"$work/$1.log" 2>&1 &
  pids+=($!)
  wait_for "http://127.0.0.1:$port/healthz" || { cat "$work/$1.log"; exit 1; }
}

# admin_key NAME…: the bootstrap admin's key id and secret, from the data directory of the one
# of these instances that bootstrapped the database.
admin_key() {
  local creds="" name
  for name in "$@"; do
    [ -n "$creds" ] || [ ! -f "$work/$name/aws/credentials" ] || creds=$work/$name/aws/credentials
  done
  key=$(awk '/aws_access_key_id/ {print $3}' "$creds")
  secret=$(awk '/aws_secret_access_key/ {print $3}' "$creds")
}

writes_part() {
  start_cluster pg-writes
  echo "== durable writes on PostgreSQL ($clients clients; cluster: fsync on, synchronous_commit on)"
  psql "$uri" -q -c "CREATE TABLE pgbench_rows (id bigserial PRIMARY KEY, name text NOT NULL)"
  cat >"$work/insert.sql" <<'SQL'
INSERT INTO pgbench_rows (name) VALUES ('user-' || :client_id || '-' || random());
SQL
  # What bounds a store whose commits take one lock in turn (the change feed's order): the same
  # insert under a transaction-scoped advisory lock, and on a single connection.
  cat >"$work/insert_locked.sql" <<'SQL'
BEGIN;
SELECT pg_advisory_xact_lock(1);
INSERT INTO pgbench_rows (name) VALUES ('user-' || :client_id || '-' || random());
COMMIT;
SQL
  local locked single
  locked=$(pgbench -n -M prepared -c "$clients" -j 2 -T "${duration%s}" \
    -f "$work/insert_locked.sql" "$uri" 2>/dev/null | awk '/^tps/ {print $3; exit}')
  single=$(pgbench -n -M prepared -c 1 -T "${duration%s}" -f "$work/insert.sql" "$uri" \
    2>/dev/null | awk '/^tps/ {print $3; exit}')
  echo "for comparison, pgbench: under one advisory lock in turn $locked/s; one client $single/s"
  instance_threads=$threads start_instance gh-writes
  admin_key gh-writes
  # Alternating rounds, so that the machine's drift affects both alike.
  local pg_rates="" gh_rates="" round pg_tps out
  for round in $(seq "$rounds"); do
    pg_tps=$(pgbench -n -M prepared -c "$clients" -j 2 -T "${duration%s}" -f "$work/insert.sql" \
      "$uri" 2>/dev/null | awk '/^tps/ {print $3; exit}')
    echo "round $round of $rounds: pgbench, one INSERT per transaction: $pg_tps transactions/s"
    out=$("$build/bench/iam_load" "$port" "$key" "$secret" create-users "$clients" "$per_client")
    echo "round $round of $rounds: gatehouse (--threads $threads) $out"
    pg_rates+="$pg_tps "
    gh_rates+="$(echo "$out" | sed -E 's/.* = ([0-9]+)\/s.*/\1/') "
  done
  python3 - "$pg_rates" "$gh_rates" <<'PY'
import statistics, sys
pg, gh = ([float(x) for x in arg.split()] for arg in sys.argv[1:3])
p, g = statistics.median(pg), statistics.median(gh)
print("median: pgbench %.0f inserts/s, gatehouse %.0f CreateUser/s, CreateUser / pgbench insert: %.0f%%"
      % (p, g, 100 * g / p))
PY
}

propagation_part() {
  start_cluster pg-propagation
  echo "== propagation between two instances ($writes writes, one at a time)"
  start_instance gh-a
  local port_a=$port
  start_instance gh-b
  admin_key gh-a gh-b
  "$build/bench/iam_load" "$port_a" "$key" "$secret" propagation "$writes" "$port"
}

# render_nginx PORT_A PORT_B: the documented file with two instances and a free port; sets
# nginx_port.
render_nginx() {
  nginx_port=$(free_port)
  mkdir -p "$work/nginx"
  sed -e "s/127.0.0.1:4571 /127.0.0.1:$1 /; s/127.0.0.1:4572 /127.0.0.1:$2 /" \
    -e "/127.0.0.1:4573 /d" -e "s/listen 4566;/listen 127.0.0.1:$nginx_port;/" \
    "$here/docs/examples/nginx-gatehouse.conf" >"$work/nginx/gatehouse.conf"
  cat >"$work/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $work/nginx/client_body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    include $work/nginx/gatehouse.conf;
}
EOF
}

# presigned_lua ENDPOINT > lua: wrk requests cycling over presigned GetCallerIdentity URLs of
# the 16 callers in $work/callers (one per request, round).
presigned_lua() {
  python3 - "$1" "$work/callers" <<'PY'
import sys, boto3
endpoint, callers = sys.argv[1:3]
paths = []
for line in open(callers):
    key, secret = line.split()
    sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id=key, aws_secret_access_key=secret)
    url = sts.generate_presigned_url("get_caller_identity", ExpiresIn=900, HttpMethod="GET")
    paths.append(url[len(endpoint):])
print("local paths = {%s}" % ", ".join('"%s"' % p for p in paths))
print("local n = 0")
print("request = function() n = n %% %d + 1; return wrk.format('GET', paths[n]) end" % len(paths))
PY
}

wrk_rate() {  # ENDPOINT LUA: requests/s, failing on any non-2xx answer
  local out
  out=$(wrk -t 2 -c 64 -d "$duration" --latency -s "$2" "$1")
  if echo "$out" | grep -q Non-2xx; then echo "$out" >&2; return 1; fi
  echo "$out" | grep -E "Requests/sec|^ +(50|99)%" >&2
  echo "$out" | awk '/Requests\/sec/ {print $2}'
}

nginx_part() {
  start_cluster pg-nginx
  echo "== sts GetCallerIdentity, 16 callers' presigned URLs, wrk 64 connections, $rounds rounds of $duration"
  start_instance gh-one
  local port_a=$port
  start_instance gh-two
  local port_b=$port
  admin_key gh-one gh-two
  python3 - "http://127.0.0.1:$port_a" "$key" "$secret" >"$work/callers" <<'PY'
import sys, boto3
endpoint, key, secret = sys.argv[1:4]
iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                   aws_access_key_id=key, aws_secret_access_key=secret)
for i in range(16):
    iam.create_user(UserName="caller-%d" % i)
    k = iam.create_access_key(UserName="caller-%d" % i)["AccessKey"]
    print(k["AccessKeyId"], k["SecretAccessKey"])
PY
  sleep 1  # the other instance follows (propagation is milliseconds)
  render_nginx "$port_a" "$port_b"
  /usr/sbin/nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" \
    -g "daemon off;" &
  pids+=($!)
  wait_for "http://127.0.0.1:$nginx_port/healthz" || { cat "$work/nginx/error.log"; exit 1; }
  presigned_lua "http://127.0.0.1:$port_a" >"$work/direct.lua"
  presigned_lua "http://127.0.0.1:$nginx_port" >"$work/nginx.lua"
  local direct="" proxied="" round
  for round in $(seq "$rounds"); do
    echo "round $round of $rounds, one instance, direct:"
    direct+="$(wrk_rate "http://127.0.0.1:$port_a" "$work/direct.lua") "
    echo "round $round of $rounds, nginx over two instances:"
    proxied+="$(wrk_rate "http://127.0.0.1:$nginx_port" "$work/nginx.lua") "
  done
  python3 - "$direct" "$proxied" <<'PY'
import statistics, sys
direct, proxied = [[float(x) for x in s.split()] for s in sys.argv[1:3]]
d, p = statistics.median(direct), statistics.median(proxied)
print("median: one instance direct %.0f requests/s, nginx over two %.0f requests/s, ratio %.2f"
      % (d, p, p / d))
PY
}

for part in "${parts[@]}"; do
  "${part}_part"
done
