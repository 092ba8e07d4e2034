#!/usr/bin/env bash
# audit_bench.sh BUILD_DIR: what the audit trail costs, side by side in one run. Two servers of
# the same binary, one recording (the default) and one with --audit-trail=false, in alternating
# rounds so that the machine's noise falls on both: GetCallerIdentity (wrk, a presigned GET) and
# durable CreateUser (bench/iam_load, 16 connections of $USERS calls, default 100), in an order
# that alternates from round to round, each run starting with both servers quiet (bench/common.sh,
# settle); the medians and their ratio (on / off; the budget is 0.90), the median of the rounds'
# ratios, and the server's CPU time per call, the work a run left queued included, with the
# share of the threads that serve requests and of the audit recorder's (named: core/thread_name.h).
# Then LookupEvents over a history of $EVENTS (default 1,000,000) events (bench/audit_fill): the
# server-side latency of a filtered page (Username, EventName, ResourceName, ReadOnly and a time
# range) from the JSON request log, median and p99 of $LOOKUPS (default 50) each; the budget is
# 50 ms. STORES (default "sqlite postgres") names the stores the lookups are timed on: the
# recording server's SQLite store, and an instance on a private PostgreSQL cluster
# (tests/support/postgres_cluster.sh). PARTS (default "recording lookups") picks the parts.
set -euo pipefail
source "$(dirname "$0")/common.sh"
build=${1:-build}
rounds=${ROUNDS:-5}
duration=${DURATION:-5s}
connections=${CONNECTIONS:-32}
users=${USERS:-100}  # CreateUser calls per connection (16 of them) in a run
events=${EVENTS:-1000000}
lookups=${LOOKUPS:-50}
stores=${STORES:-sqlite postgres}
parts=${PARTS:-recording lookups}
work=$(mktemp -d)
chmod 755 "$work"  # a cluster runs as postgres when the bench runs as root
cluster="$(cd "$(dirname "$0")/.." && pwd)/tests/support/postgres_cluster.sh"
cleanup_extra() {
  [ ! -d "$work/pg" ] || "$cluster" stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}

# Starts the binary on DATA as NAME (extra flags after); sets NAME_port, NAME_key, NAME_secret.
start() {  # name data flags...
  local name=$1 data=$2 port
  shift 2
  port=$(free_port)
  mkdir -p "$data"
  "$build/gatehouse" serve --listen "127.0.0.1:$port" --data "$data" --log-format json "$@" \
    >"$data/log" 2>&1 &
  pids+=($!)
  eval "${name}_pid=$!"
  wait_for "http://127.0.0.1:$port/healthz"
  printf -v "${name}_port" '%s' "$port"
  printf -v "${name}_key" '%s' "$(awk -F' = ' '/aws_access_key_id/ {print $2; exit}' "$data/aws/credentials")"
  printf -v "${name}_secret" '%s' "$(awk -F' = ' '/aws_secret_access_key/ {print $2; exit}' "$data/aws/credentials")"
}

presign() {  # port key secret
  python3 - "$@" <<'PY'
import sys, boto3
port, key, secret = sys.argv[1:4]
sts = boto3.client("sts", endpoint_url="http://127.0.0.1:" + port, region_name="us-east-1",
                   aws_access_key_id=key, aws_secret_access_key=secret)
print(sts.generate_presigned_url("get_caller_identity", ExpiresIn=3600, HttpMethod="GET"))
PY
}

rps() { awk '/Requests\/sec/ {print $2}'; }
non2xx() { awk '/Non-2xx/ {print $5}'; }

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # pid: its CPU time, in clock ticks
# pid name: the CPU time of the process's threads called NAME (core/thread_name.h), in clock ticks
# (the threads that live through a run, as the server's do).
thread_ticks() {
  local t sum=0
  for t in /proc/"$1"/task/*; do
    [ "$(cat "$t/comm" 2>/dev/null)" = "$2" ] || continue
    sum=$((sum + $(awk '{print $14 + $15}' "$t/stat")))
  done
  echo "$sum"
}
per_call() {  # ticks calls: microseconds of CPU per call
  python3 -c "import os, sys; print(int(sys.argv[1]) * 1e6 / os.sysconf('SC_CLK_TCK') / int(sys.argv[2]))" "$@"
}

# One run of KIND (gci or cu) on server NAME, both servers quiet first: its rate into results,
# and the server's CPU time per call into cpu, counted until it is quiet again (the work a run
# leaves queued is the run's).
measure() {  # name kind
  local name=$1 kind=$2 port_var=${1}_port key_var=${1}_key secret_var=${1}_secret pid_var=${1}_pid
  local url out calls before http_before recorder_before
  [ "$kind" = cu ] || url=$(presign "${!port_var}" "${!key_var}" "${!secret_var}")
  settle "$on_pid"; settle "$off_pid"
  before=$(ticks "${!pid_var}")
  http_before=$(thread_ticks "${!pid_var}" http)
  recorder_before=$(thread_ticks "${!pid_var}" audit-recorder)
  if [ "$kind" = gci ]; then
    out=$(wrk -t 2 -c "$connections" -d "$duration" "$url")
    [ -z "$(echo "$out" | non2xx)" ] || { echo "$name: non-2xx answers"; echo "$out"; exit 1; }
    results[gci_$name]+="$(echo "$out" | rps) "
    calls=$(echo "$out" | awk '/requests in/ {print $1}')
  else
    out=$("$build/bench/iam_load" "${!port_var}" "${!key_var}" "${!secret_var}" create-users \
      16 "$users")
    results[cu_$name]+="$(echo "$out" | sed -n 's/.* = \([0-9]*\)\/s.*/\1/p') "
    calls=$(echo "$out" | sed -n 's/^[^:]*: \([0-9]*\) ok.*/\1/p')
  fi
  settle "${!pid_var}"
  cpu[${kind}_$name]+="$(per_call $(($(ticks "${!pid_var}") - before)) "$calls") "
  http[${kind}_$name]+="$(per_call $(($(thread_ticks "${!pid_var}" http) - http_before)) "$calls") "
  recorder[${kind}_$name]+="$(per_call \
    $(($(thread_ticks "${!pid_var}" audit-recorder) - recorder_before)) "$calls") "
}

recording_part() {
start on "$work/on"
start off "$work/off" --audit-trail=false
declare -gA results cpu http recorder
for round in $(seq "$rounds"); do
  order="on off"
  [ $((round % 2)) -eq 1 ] || order="off on"  # a drift in the machine's speed falls on both
  for name in $order; do measure "$name" gci; done
  for name in $order; do measure "$name" cu; done
  echo "round $round of $rounds done" >&2
done
python3 - "${results[gci_off]}" "${results[gci_on]}" "${results[cu_off]}" "${results[cu_on]}" \
  "${cpu[gci_off]}" "${cpu[gci_on]}" "${cpu[cu_off]}" "${cpu[cu_on]}" \
  "${http[gci_off]}" "${http[gci_on]}" "${http[cu_off]}" "${http[cu_on]}" \
  "${recorder[gci_on]}" "${recorder[cu_on]}" <<'PY'
import statistics, sys
go, gn, co, cn, cgo, cgn, cco, ccn, hgo, hgn, hco, hcn, rgn, rcn = [
    [float(x) for x in s.split()] for s in sys.argv[1:15]]
for label, off, on, coff, con, hoff, hon, rec in (
        ("GetCallerIdentity", go, gn, cgo, cgn, hgo, hgn, rgn),
        ("CreateUser", co, cn, cco, ccn, hco, hcn, rcn)):
    mo, mn = statistics.median(off), statistics.median(on)
    print("%-18s off %s  on %s" % (label, " ".join("%.0f" % x for x in off),
                                   " ".join("%.0f" % x for x in on)))
    print("%-18s median off %.0f/s, on %.0f/s, on/off %.3f (budget 0.90)" % ("", mo, mn, mn / mo))
    # Each round's two runs are next to each other in time: their ratio is spared the machine's
    # slower spells, which the medians above mix in whole.
    pairs = [n / o for n, o in zip(on, off)]
    print("%-18s each round's on/off: %s; median %.3f" % (
        "", " ".join("%.3f" % x for x in pairs), statistics.median(pairs)))
    # The server's CPU time per call, the work left queued by a run included: what recording
    # adds, less blurred by the machine's neighbours than a rate is.
    print("%-18s server CPU per call: median off %.1f us, on %.1f us, on/off %.3f" % (
        "", statistics.median(coff), statistics.median(con),
        statistics.median(con) / statistics.median(coff)))
    # Where the difference goes: the threads that serve requests (which build each event), and
    # the recorder's thread (which stores them), whose share varies less from run to run.
    print("%-18s of which: request threads off %.1f us, on %.1f us; audit-recorder %.1f us" % (
        "", statistics.median(hoff), statistics.median(hon), statistics.median(rec)))
PY
}

# LookupEvents over a large history of NAME's account: fill its store (STORE: a path or a URL)
# while it is stopped, start it again (FLAGS after), time the lookups.
lookups_on() {  # name store flags...
  local name=$1 store=$2 pid_var account
  shift 2
  pid_var=${name}_pid account=$(account_of "$name")
  kill "${!pid_var}"; wait "${!pid_var}" 2>/dev/null || true
  "$build/bench/audit_fill" "$store" "$account" "$events"
  start "$name" "$work/$name" "$@"
  time_lookups "$name"
}

account_of() {  # name: the account of its admin's key
  local port_var=${1}_port key_var=${1}_key secret_var=${1}_secret
  python3 - "${!port_var}" "${!key_var}" "${!secret_var}" <<'PY'
import sys, boto3
port, key, secret = sys.argv[1:4]
print(boto3.client("sts", endpoint_url="http://127.0.0.1:" + port, region_name="us-east-1",
                   aws_access_key_id=key, aws_secret_access_key=secret)
      .get_caller_identity()["Account"])
PY
}

time_lookups() {  # name
  local port_var=${1}_port key_var=${1}_key secret_var=${1}_secret
  echo "== LookupEvents on $1's store, $events events"
  python3 - "${!port_var}" "${!key_var}" "${!secret_var}" "$lookups" "$work/$1/log" "$events" <<'PY'
import json, math, statistics, sys, time, boto3
port, key, secret, n, log = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
full = int(sys.argv[6]) >= 100000  # a smaller history may not fill every page
trail = boto3.client("cloudtrail", endpoint_url="http://127.0.0.1:" + port, region_name="us-east-1",
                     aws_access_key_id=key, aws_secret_access_key=secret)
now = time.time()
queries = {
    "Username": dict(LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": "user-417"}]),
    "EventName": dict(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateAccount"}]),
    "ResourceName": dict(LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": "resource-4242"}]),
    "ReadOnly": dict(LookupAttributes=[{"AttributeKey": "ReadOnly", "AttributeValue": "false"}]),
    "time range": dict(StartTime=now - 20 * 86400, EndTime=now - 10 * 86400),
    "Username + range": dict(StartTime=now - 20 * 86400, EndTime=now - 10 * 86400,
        LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": "user-417"}]),
}
for label, q in queries.items():
    client_ms = []
    for i in range(n):
        t = time.perf_counter()
        out = trail.lookup_events(MaxResults=50, **q)
        client_ms.append((time.perf_counter() - t) * 1000)
        assert len(out["Events"]) == 50 or not full, (label, len(out["Events"]))
    time.sleep(0.3)
    server_ms = []
    for line in open(log):
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("operation") == "cloudtrail:LookupEvents" and "latencyMs" in entry:
            server_ms.append(float(entry["latencyMs"]))
    server_ms = server_ms[-n:]
    server_ms.sort()
    print("LookupEvents %-17s a page of 50 of %s: server median %.2f ms, p99 %.2f ms; "
          "client median %.2f ms (budget 50 ms)" % (
              label, "the history", statistics.median(server_ms),
              server_ms[max(0, math.ceil(len(server_ms) * 0.99) - 1)], statistics.median(client_ms)))
PY
}

lookups_part() {
  local store uri
  for store in $stores; do
    case $store in
      sqlite)
        [ -n "${on_pid:-}" ] || start on "$work/on"
        lookups_on on "$work/on/gatehouse.db"
        ;;
      postgres)
        "$cluster" start "$work/pg" >/dev/null
        uri=$(cat "$work/pg/uri")
        GATEHOUSE_MASTER_KEY=$master_key start pgi "$work/pgi" --database "$uri"
        GATEHOUSE_MASTER_KEY=$master_key lookups_on pgi "$uri" --database "$uri"
        ;;
      *) echo "unknown store: $store" >&2; exit 2 ;;
    esac
  done
}

master_key=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
for part in $parts; do
  case $part in
    recording) recording_part ;;
    lookups) lookups_part ;;
    *) echo "unknown part: $part" >&2; exit 2 ;;
  esac
done
