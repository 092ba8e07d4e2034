#!/usr/bin/env bash
# web_identity_bench.sh BUILD_DIR: sts AssumeRoleWithWebIdentity (an unsigned POST with an ID
# token of a test OpenID Connect issuer on loopback, its key set cached after the first call)
# against AssumeRole (a signed POST), on one server, rounds alternating between the two; prints
# each round's requests/s, the medians and their ratio. The target: web identity at least half
# of AssumeRole's throughput. ROUNDS (default 5), DURATION (default 5s), CONNECTIONS (32).
set -euo pipefail
source "$(dirname "$0")/common.sh"
build=$1
rounds=${ROUNDS:-5}
duration=${DURATION:-5s}
connections=${CONNECTIONS:-32}
work=$(mktemp -d)
cleanup_extra() { rm -rf "$work"; }
here=$(cd "$(dirname "$0")" && pwd)

# The issuer: started first, it writes its CA and URL and then serves until killed.
PYTHONPATH="$here/../tests/integration" python3 - "$work" <<'PY' &
import json, os, sys, time
from oidc_issuer import OidcIssuer
issuer = OidcIssuer().start()
issuer.key("RS256")
json.dump({"url": issuer.url, "ca_file": issuer.ca_file}, open(sys.argv[1] + "/issuer.tmp", "w"))
os.rename(sys.argv[1] + "/issuer.tmp", sys.argv[1] + "/issuer.json")
open(sys.argv[1] + "/token", "w").write(issuer.token(sub="bench", lifetime=3600))
while True:
    time.sleep(60)
PY
pids+=($!)
for _ in $(seq 300); do [ -f "$work/token" ] && break; sleep 0.1; done
[ -f "$work/token" ] || { echo "the test issuer did not start"; exit 1; }
ca_file=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ca_file"])' "$work/issuer.json")

port=$(free_port)
mkdir -p "$work/data"
"$build/gatehouse" serve --listen "127.0.0.1:$port" --data "$work/data" --log-level warn \
  --federation-ca-file "$ca_file" >"$work/serve.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$port/healthz"

python3 - "http://127.0.0.1:$port" "$work" <<'PY'
import configparser, json, sys, urllib.parse, boto3
from botocore import UNSIGNED
from botocore.auth import SigV4Auth
from botocore.config import Config
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
endpoint, work = sys.argv[1:3]
issuer = json.load(open(work + "/issuer.json"))
token = open(work + "/token").read()
c = configparser.ConfigParser()
c.read(work + "/data/aws/credentials")
key, secret = c["gatehouse"]["aws_access_key_id"], c["gatehouse"]["aws_secret_access_key"]
kw = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key,
          aws_secret_access_key=secret)
sts, iam = boto3.client("sts", **kw), boto3.client("iam", **kw)
account = sts.get_caller_identity()["Account"]
provider = iam.create_open_id_connect_provider(
    Url=issuer["url"], ClientIDList=["sts.amazonaws.com"])["OpenIDConnectProviderArn"]
host = issuer["url"][len("https://"):]
trust = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "sts:AssumeRole",
     "Principal": {"AWS": "arn:aws:iam::%s:root" % account}},
    {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
     "Principal": {"Federated": provider},
     "Condition": {"StringEquals": {host + ":aud": "sts.amazonaws.com", host + ":sub": "bench"}}}]}
role = iam.create_role(RoleName="bench", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]

body = "Action=AssumeRole&Version=2011-06-15&RoleSessionName=bench&RoleArn=" + role
req = AWSRequest(method="POST", url=endpoint + "/", data=body,
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
SigV4Auth(Credentials(key, secret), "sts", "us-east-1").add_auth(req)
lua = ['wrk.method = "POST"', 'wrk.body = "%s"' % body]
lua += ['wrk.headers["%s"] = "%s"' % (k, v) for k, v in req.headers.items()]
open(work + "/assume_role.lua", "w").write("\n".join(lua) + "\n")

web = urllib.parse.urlencode({"Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15",
                              "RoleSessionName": "bench", "RoleArn": role,
                              "WebIdentityToken": token})
lua = ['wrk.method = "POST"', 'wrk.body = "%s"' % web,
       'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"']
open(work + "/web_identity.lua", "w").write("\n".join(lua) + "\n")
# The first call fetches the key set: the rounds measure the cached path.
anonymous = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1",
                         config=Config(signature_version=UNSIGNED))
anonymous.assume_role_with_web_identity(RoleArn=role, RoleSessionName="bench",
                                        WebIdentityToken=token)
PY

rps() { awk '/Requests\/sec/ {print $2}'; }
non2xx() { awk '/Non-2xx/ {print $5}'; }
declare -A results
for round in $(seq "$rounds"); do
  for name in assume_role web_identity; do
    out=$(wrk -t 2 -c "$connections" -d "$duration" -s "$work/$name.lua" "http://127.0.0.1:$port/")
    [ -z "$(echo "$out" | non2xx)" ] || { echo "$name: non-2xx answers"; echo "$out"; exit 1; }
    results[$name]+="$(echo "$out" | rps) "
  done
  echo "round $round of $rounds done" >&2
done

python3 - "${results[assume_role]}" "${results[web_identity]}" <<'PY'
import statistics, sys
ar, wi = [[float(x) for x in s.split()] for s in sys.argv[1:3]]
print("AssumeRole                 %s" % " ".join("%.0f" % x for x in ar))
print("AssumeRoleWithWebIdentity  %s" % " ".join("%.0f" % x for x in wi))
m_ar, m_wi = statistics.median(ar), statistics.median(wi)
print("median AssumeRole %.0f req/s, AssumeRoleWithWebIdentity %.0f req/s, ratio %.3f "
      "(target >= 0.5)" % (m_ar, m_wi, m_wi / m_ar))
PY
