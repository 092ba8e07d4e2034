#!/usr/bin/env bash
# organizations_bench.sh BUILD_DIR: Organizations at scale. The rate at which CreateAccount
# requests end SUCCEEDED (each a new account with its root user, its
# OrganizationAccountAccessRole and its membership; target ≥ 200 accounts/s), measured with
# bench/org_load from the first request sent to the last account made; then, with $ACCOUNTS
# (default 10,000) accounts in the organization, the server time of one ListAccounts page of 20
# (target < 5 ms), read from the JSON request log.
set -euo pipefail
source "$(dirname "$0")/common.sh"
build=${1:-build}
accounts=${ACCOUNTS:-10000}
first=${FIRST:-2000}  # the accounts of the timed burst
data=$(mktemp -d)
cleanup_extra() { rm -rf "$data"; }

port=$(free_port)
"$build/gatehouse" serve --listen "127.0.0.1:$port" --data "$data" --log-format json \
  --max-accounts $((accounts + 10)) >"$data/log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$port/healthz"
key=$(awk '/aws_access_key_id/ {print $3}' "$data/aws/credentials")
secret=$(awk '/aws_secret_access_key/ {print $3}' "$data/aws/credentials")
python3 - "http://127.0.0.1:$port" "$key" "$secret" <<'PY'
import sys, boto3
endpoint, key, secret = sys.argv[1:4]
boto3.client("organizations", endpoint_url=endpoint, region_name="us-east-1",
             aws_access_key_id=key, aws_secret_access_key=secret).create_organization()
PY

echo "== gatehouse: organizations CreateAccount → SUCCEEDED, $first accounts, 8 connections"
"$build/bench/org_load" "$port" "$key" "$secret" create-accounts 8 $((first / 8)) burst
rest=$((accounts - first))
if [ "$rest" -gt 0 ]; then
  echo "== gatehouse: organizations CreateAccount, $rest more accounts"
  "$build/bench/org_load" "$port" "$key" "$secret" create-accounts 8 $((rest / 8)) fill
fi

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
echo "== gatehouse: organizations ListAccounts, pages of 20 with $accounts accounts"
from=$(wc -l <"$data/log")
"$build/bench/org_load" "$port" "$key" "$secret" list-accounts 2000
server_latency organizations:ListAccounts "$from"
