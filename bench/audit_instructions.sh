#!/usr/bin/env bash
# audit_instructions.sh BUILD_DIR: what the audit trail costs in instructions, which, unlike time,
# a busy or virtualized machine does not blur. The binary runs under callgrind twice, recording
# and with --audit-trail=false; each serves $CALLS (default 1000) GetCallerIdentity calls over one
# keep-alive connection and as many CreateUser calls over 4, after a warm-up, and the
# instructions of each thread (named: core/thread_name.h) are counted from the warm-up's end
# until the server has been quiet for 3 seconds. Instructions are not time: a system call, a
# cache miss or a wait costs none here, so this complements audit_bench.sh, it does not replace
# it. Calls are ~50 times slower under callgrind, so the recorder's batches are smaller than
# under load, and its count per event is an upper bound.
set -euo pipefail
source "$(dirname "$0")/common.sh"
build=${1:-build}
calls=${CALLS:-1000}
work=$(mktemp -d)
cleanup_extra() { rm -rf "$work"; }
command -v valgrind >/dev/null || { echo "audit_instructions: valgrind is not installed"; exit 1; }

gci() {  # port key secret n: n GetCallerIdentity calls over one keep-alive connection
  python3 - "$@" <<'PY'
import http.client, sys, urllib.parse, boto3
port, key, secret, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
url = boto3.client("sts", endpoint_url="http://127.0.0.1:" + port, region_name="us-east-1",
                   aws_access_key_id=key, aws_secret_access_key=secret).generate_presigned_url(
                       "get_caller_identity", ExpiresIn=3600, HttpMethod="GET")
u = urllib.parse.urlsplit(url)
c = http.client.HTTPConnection("127.0.0.1", int(port))
for _ in range(n):
    c.request("GET", u.path + "?" + u.query)
    r = c.getresponse()
    r.read()
    if r.status != 200:
        sys.exit("GetCallerIdentity answered %d" % r.status)
PY
}

# One count: KIND (gci or cu) on a fresh server with FLAGS; prints "thread instructions-per-call"
# lines, the threads of one name summed.
count() {  # name kind flags...
  local name=$1 kind=$2 port data out pid key secret
  shift 2
  port=$(free_port)
  data="$work/$name-$kind"
  out="$work/$name-$kind.cg"
  mkdir -p "$data"
  valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$out.%p" \
    "$build/gatehouse" serve --listen "127.0.0.1:$port" --data "$data" --log-format json "$@" \
    >"$data/log" 2>&1 &
  pid=$!
  pids+=($pid)
  for _ in $(seq 600); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
  key=$(awk -F' = ' '/aws_access_key_id/ {print $2; exit}' "$data/aws/credentials")
  secret=$(awk -F' = ' '/aws_secret_access_key/ {print $2; exit}' "$data/aws/credentials")
  local run
  if [ "$kind" = gci ]; then run() { gci "$port" "$key" "$secret" "$1"; }; else
    run() { "$build/bench/iam_load" "$port" "$key" "$secret" create-users 4 $(($1 / 4)) >/dev/null; }
  fi
  run 200
  sleep 2
  callgrind_control -z "$pid" >/dev/null 2>&1
  run "$calls"
  settle "$pid"
  sleep 3
  callgrind_control -d "$pid" >/dev/null 2>&1
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  python3 - "$calls" "$out.$pid" <<'PY'
import collections, glob, re, sys
calls, prefix = int(sys.argv[1]), sys.argv[2]
totals = collections.Counter()
for f in glob.glob(prefix + ".1-*"):
    thread = int(f.rsplit("-", 1)[1])
    text = open(f, errors="replace").read()
    m = re.search(r"^(?:summary|totals): (\d+)", text, re.M)
    totals[thread] += int(m.group(1)) if m else 0
for thread, n in sorted(totals.items()):
    print(thread, n / calls)
PY
}

# Callgrind numbers threads, it does not name them: the busiest few are listed, a server's
# request threads and store-committer, and the recording server's recorder.
summary() {  # label off-file on-file
  python3 - "$@" <<'PY'
import sys
label, off_file, on_file = sys.argv[1:4]
def load(path):
    rows = [line.split() for line in open(path) if line.strip()]
    return {int(t): float(n) for t, n in rows}
off, on = load(off_file), load(on_file)
total_off, total_on = sum(off.values()), sum(on.values())
print("%-18s instructions per call: off %.0f, on %.0f, on/off %.3f" % (
    label, total_off, total_on, total_on / total_off))
print("%-18s busiest threads: off %s; on %s" % ("", ", ".join(
    "%.0f" % v for v in sorted(off.values(), reverse=True)[:4]), ", ".join(
    "%.0f" % v for v in sorted(on.values(), reverse=True)[:4])))
PY
}

for kind in gci cu; do
  count off "$kind" --audit-trail=false >"$work/off-$kind.txt"
  count on "$kind" >"$work/on-$kind.txt"
done
summary GetCallerIdentity "$work/off-gci.txt" "$work/on-gci.txt"
summary CreateUser "$work/off-cu.txt" "$work/on-cu.txt"
