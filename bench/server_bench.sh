#!/usr/bin/env bash
# server_bench.sh BUILD_DIR: sts GetCallerIdentity over SigV4 (a presigned GET URL, valid for the
# run) with wrk on 64 keep-alive connections, against gatehouse and, when installed, moto_server
# in the same run (wrk's requests/s and latency percentiles for each); and iam CreateUser rate
# with signed requests from bench/iam_load; and the role operations at scale: CreateRole rate,
# GetRole latency with 100 roles and with $ROLES (default 100,000) roles in the account, and
# ListRoles pages of 100 over all of them (server-side latency read from the JSON request log);
# and STS: the AssumeRole rate, and GetCallerIdentity with the temporary credentials of a role
# session against the same with the long-term keys.
set -euo pipefail
source "$(dirname "$0")/common.sh"
build=${1:-build}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-64}
data=$(mktemp -d)
cleanup_extra() { rm -rf "$data"; }

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

# Temporary credentials of a session of role bench-admin (which trusts the account).
session_presign() {  # endpoint key secret
  python3 - "$@" <<'PY'
import json, sys, boto3
endpoint, key, secret = sys.argv[1:4]
kw = dict(endpoint_url=endpoint, region_name="us-east-1")
iam = boto3.client("iam", aws_access_key_id=key, aws_secret_access_key=secret, **kw)
sts = boto3.client("sts", aws_access_key_id=key, aws_secret_access_key=secret, **kw)
account = sts.get_caller_identity()["Account"]
trust = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole",
         "Principal": {"AWS": "arn:aws:iam::%s:root" % account}}}
arn = iam.create_role(RoleName="bench-admin", AssumeRolePolicyDocument=json.dumps(trust),
                      MaxSessionDuration=43200)["Role"]["Arn"]
iam.attach_role_policy(RoleName="bench-admin",
                       PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
creds = sts.assume_role(RoleArn=arn, RoleSessionName="bench", DurationSeconds=3600)["Credentials"]
session = boto3.client("sts", aws_access_key_id=creds["AccessKeyId"],
                       aws_secret_access_key=creds["SecretAccessKey"],
                       aws_session_token=creds["SessionToken"], **kw)
print(arn)
print(session.generate_presigned_url("get_caller_identity", ExpiresIn=900, HttpMethod="GET"))
PY
}
{ read -r role_arn; read -r session_url; } < <(session_presign "http://127.0.0.1:$port" "$key" "$secret")
curl -sf "$session_url" | grep -q "assumed-role/bench-admin"
echo "== gatehouse: sts GetCallerIdentity with role-session credentials, $connections connections, $duration"
wrk -t 2 -c "$connections" -d "$duration" --latency "$session_url" | grep -E "Requests/sec|Latency|50%|99%|requests in|Non-2xx"
echo "== gatehouse: sts GetCallerIdentity with long-term keys again, $connections connections, $duration"
wrk -t 2 -c "$connections" -d "$duration" --latency "$url" | grep -E "Requests/sec|Latency|50%|99%|requests in|Non-2xx"
# AssumeRole as wrk replays it: one signed POST (SigV4 lets a signed request be sent again
# within its 15 minutes, as AWS does); each answer is a fresh set of credentials.
signed_post_lua() {  # endpoint key secret role_arn > lua
  python3 - "$@" <<'PY'
import sys, botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
endpoint, key, secret, role = sys.argv[1:5]
body = "Action=AssumeRole&Version=2011-06-15&RoleSessionName=bench&RoleArn=" + role
req = AWSRequest(method="POST", url=endpoint + "/", data=body,
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
SigV4Auth(Credentials(key, secret), "sts", "us-east-1").add_auth(req)
lua = ['wrk.method = "POST"', 'wrk.body = "%s"' % body]
for k, v in req.headers.items():
    lua.append('wrk.headers["%s"] = "%s"' % (k, v))
print("\n".join(lua))
PY
}
signed_post_lua "http://127.0.0.1:$port" "$key" "$secret" "$role_arn" >"$data/assume_role.lua"
echo "== gatehouse: sts AssumeRole (wrk replaying one signed request), $connections connections, $duration"
wrk -t 2 -c "$connections" -d "$duration" --latency -s "$data/assume_role.lua" "http://127.0.0.1:$port/" | grep -E "Requests/sec|Latency|50%|99%|requests in|Non-2xx"
echo "== gatehouse: sts AssumeRole, each request signed anew (bench/iam_load), 16 connections"
"$build/bench/iam_load" "$port" "$key" "$secret" assume-role 16 2000 "$role_arn"

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
