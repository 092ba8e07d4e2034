#!/usr/bin/env bash
# server_bench.sh BUILD_DIR: sts GetCallerIdentity over SigV4 (a presigned GET URL, valid for the
# run) with wrk on 64 keep-alive connections, against gatehouse and, when installed, moto_server
# in the same run (wrk's requests/s and latency percentiles for each); and iam CreateUser rate
# with signed requests from bench/iam_load; and the role operations at scale: CreateRole rate,
# GetRole latency with 100 roles and with $ROLES (default 100,000) roles in the account, and
# ListRoles pages of 100 over all of them (server-side latency read from the JSON request log).
set -euo pipefail
build=${1:-build}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-64}
data=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$data"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 100); do curl -sf "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
presign() {  # endpoint key secret
  python3 - "$@" <<'PY'
import sys, boto3
endpoint, key, secret = sys.argv[1:4]
sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1",
                   aws_access_key_id=key, aws_secret_access_key=secret)
print(sts.generate_presigned_url("get_caller_identity", ExpiresIn=900, HttpMethod="GET"))
PY
}

port=$(free_port)
"$build/gatehouse" serve --listen "127.0.0.1:$port" --data "$data" --log-format json >"$data/log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$port/healthz"
key=$(awk '/aws_access_key_id/ {print $3}' "$data/aws/credentials")
secret=$(awk '/aws_secret_access_key/ {print $3}' "$data/aws/credentials")
url=$(presign "http://127.0.0.1:$port" "$key" "$secret")
curl -sf "$url" | grep -q GetCallerIdentityResult
echo "== gatehouse: sts GetCallerIdentity, $connections connections, $duration"
wrk -t 2 -c "$connections" -d "$duration" --latency "$url" | grep -E "Requests/sec|Latency|50%|99%|requests in|Non-2xx"

echo "== gatehouse: iam CreateUser (durable writes), 16 connections"
"$build/bench/iam_load" "$port" "$key" "$secret" create-users 16 200

# Server-side latency of OPERATION from the JSON request log, from line FROM on.
server_latency() {
  python3 - "$data/log" "$1" "$2" <<'PY'
import json, statistics, sys
path, op, start = sys.argv[1], sys.argv[2], int(sys.argv[3])
ms = []
for n, line in enumerate(open(path)):
    if n < start or '"operation"' not in line:
        continue
    body = json.loads(line)
    if body.get("operation") == op and body.get("status") == 200:
        ms.append(body["latencyMs"])
ms.sort()
print("  server time %s: %d requests, median %.3f ms, p99 %.3f ms, max %.3f ms" % (
    op, len(ms), statistics.median(ms), ms[int(0.99 * (len(ms) - 1))], ms[-1]))
PY
}
log_lines() { wc -l <"$data/log"; }

roles=${ROLES:-100000}
echo "== gatehouse: iam roles at scale ($roles roles)"
"$build/bench/iam_load" "$port" "$key" "$secret" create-roles 4 25 small >/dev/null
from=$(log_lines)
"$build/bench/iam_load" "$port" "$key" "$secret" get-role 20000 small 4 25
server_latency iam:GetRole "$from"
"$build/bench/iam_load" "$port" "$key" "$secret" create-roles 16 $((roles / 16 - 7)) big
from=$(log_lines)
"$build/bench/iam_load" "$port" "$key" "$secret" get-role 20000 big 16 $((roles / 16 - 7))
server_latency iam:GetRole "$from"
from=$(log_lines)
"$build/bench/iam_load" "$port" "$key" "$secret" list-roles $((roles / 100 + 1))
server_latency iam:ListRoles "$from"

if command -v moto_server >/dev/null; then
  mport=$(free_port)
  moto_server -p "$mport" >/dev/null 2>&1 &
  pids+=($!)
  if wait_for "http://127.0.0.1:$mport/moto-api/"; then
    murl=$(presign "http://127.0.0.1:$mport" AKIAEXAMPLEEXAMPLE00 secretsecret)
    echo "== moto_server: sts GetCallerIdentity, $connections connections, $duration"
    wrk -t 2 -c "$connections" -d "$duration" --latency "$murl" | grep -E "Requests/sec|Latency|50%|99%|requests in|Non-2xx"
  fi
fi
