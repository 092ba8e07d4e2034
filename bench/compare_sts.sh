#!/usr/bin/env bash
# compare_sts.sh BASE_BINARY NEW_BINARY: sts GetCallerIdentity (a presigned GET) and AssumeRole
# (wrk replaying one signed POST) against two gatehouse binaries side by side in one run —
# e.g. a build of the previous main against this tree's. Rounds alternate between the two so
# that the machine's noise falls on both; prints each round's requests/s and the medians with
# their ratio (new / base). ROUNDS (default 5), DURATION (default 5s), CONNECTIONS (default 32).
set -euo pipefail
source "$(dirname "$0")/common.sh"
base=$1
new=$2
rounds=${ROUNDS:-5}
duration=${DURATION:-5s}
connections=${CONNECTIONS:-32}
work=$(mktemp -d)
cleanup_extra() { rm -rf "$work"; }

# Starts BINARY on a fresh data directory; writes NAME.url (presigned GetCallerIdentity) and
# NAME.lua (a signed AssumeRole POST) in $work, and sets NAME_port.
start() {  # name binary
  local name=$1 binary=$2 port
  port=$(free_port)
  mkdir -p "$work/$name"
  "$binary" serve --listen "127.0.0.1:$port" --data "$work/$name" --log-level warn \
    >"$work/$name.log" 2>&1 &
  pids+=($!)
  wait_for "http://127.0.0.1:$port/healthz"
  python3 - "http://127.0.0.1:$port" "$work/$name" <<'PY'
import configparser, json, sys, boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
endpoint, data = sys.argv[1:3]
c = configparser.ConfigParser()
c.read(data + "/aws/credentials")
key, secret = c["gatehouse"]["aws_access_key_id"], c["gatehouse"]["aws_secret_access_key"]
kw = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key,
          aws_secret_access_key=secret)
sts, iam = boto3.client("sts", **kw), boto3.client("iam", **kw)
account = sts.get_caller_identity()["Account"]
trust = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole",
         "Principal": {"AWS": "arn:aws:iam::%s:root" % account}}}
role = iam.create_role(RoleName="bench", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
open(data + ".url", "w").write(
    sts.generate_presigned_url("get_caller_identity", ExpiresIn=900, HttpMethod="GET"))
body = "Action=AssumeRole&Version=2011-06-15&RoleSessionName=bench&RoleArn=" + role
req = AWSRequest(method="POST", url=endpoint + "/", data=body,
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
SigV4Auth(Credentials(key, secret), "sts", "us-east-1").add_auth(req)
lua = ['wrk.method = "POST"', 'wrk.body = "%s"' % body]
lua += ['wrk.headers["%s"] = "%s"' % (k, v) for k, v in req.headers.items()]
open(data + ".lua", "w").write("\n".join(lua) + "\n")
PY
  printf -v "${name}_port" '%s' "$port"
}

rps() { awk '/Requests\/sec/ {print $2}'; }
non2xx() { awk '/Non-2xx/ {print $5}'; }

start base "$base"
start new "$new"
for name in base new; do
  curl -sf "$(cat "$work/$name.url")" | grep -q GetCallerIdentityResult
done

declare -A results
for round in $(seq "$rounds"); do
  for name in base new; do
    port_var=${name}_port
    port=${!port_var}
    out=$(wrk -t 2 -c "$connections" -d "$duration" "$(cat "$work/$name.url")")
    [ -z "$(echo "$out" | non2xx)" ] || { echo "$name: non-2xx answers"; echo "$out"; exit 1; }
    results[gci_$name]+="$(echo "$out" | rps) "
    out=$(wrk -t 2 -c "$connections" -d "$duration" -s "$work/$name.lua" "http://127.0.0.1:$port/")
    [ -z "$(echo "$out" | non2xx)" ] || { echo "$name: non-2xx answers"; echo "$out"; exit 1; }
    results[ar_$name]+="$(echo "$out" | rps) "
  done
  echo "round $round of $rounds done" >&2
done

python3 - "${results[gci_base]}" "${results[gci_new]}" "${results[ar_base]}" "${results[ar_new]}" <<'PY'
import statistics, sys
gb, gn, ab, an = [[float(x) for x in s.split()] for s in sys.argv[1:5]]
for label, b, n in (("GetCallerIdentity", gb, gn), ("AssumeRole", ab, an)):
    mb, mn = statistics.median(b), statistics.median(n)
    print("%-18s base %s  new %s" % (label, " ".join("%.0f" % x for x in b),
                                     " ".join("%.0f" % x for x in n)))
    print("%-18s median base %.0f req/s, new %.0f req/s, new/base %.3f" % ("", mb, mn, mn / mb))
PY
