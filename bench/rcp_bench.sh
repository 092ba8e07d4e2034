#!/usr/bin/env bash
# rcp_bench.sh BUILD_DIR: what resource control policies cost role assumption. The management
# account's admin assumes the OrganizationAccountAccessRole of a member account (bench/iam_load
# assume-role, each request signed anew), alternately with RCPs enabled — RCPFullAWSAccess at the
# root, the OU and the account, and an RCP denying principals of other organizations
# (aws:PrincipalOrgID) on the OU — and with the type disabled, ROUNDS times (default 3) each, on
# one server, so that the rates are measured side by side.
set -euo pipefail
source "$(dirname "$0")/common.sh"
build=${1:-build}
rounds=${ROUNDS:-3}
data=$(mktemp -d)
cleanup_extra() { rm -rf "$data"; }

port=$(free_port)
"$build/gatehouse" serve --listen "127.0.0.1:$port" --data "$data" >"$data/log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$port/healthz"
key=$(awk '/aws_access_key_id/ {print $3}' "$data/aws/credentials")
secret=$(awk '/aws_secret_access_key/ {print $3}' "$data/aws/credentials")
endpoint="http://127.0.0.1:$port"

# rcp_org.py setup | on | off: the organization, and RCPs turned on (the type enabled, the
# OrgOnly RCP attached to the OU) or off (the type disabled, which detaches every RCP).
cat >"$data/rcp_org.py" <<'PY'
import json, sys, time, boto3
endpoint, key, secret, step = sys.argv[1:5]
org = boto3.client("organizations", endpoint_url=endpoint, region_name="us-east-1",
                   aws_access_key_id=key, aws_secret_access_key=secret)
root = org.list_roots()["Roots"][0]["Id"] if step != "setup" else None
if step == "setup":
    org_id = org.create_organization()["Organization"]["Id"]
    root = org.list_roots()["Roots"][0]["Id"]
    ou = org.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
    status = org.create_account(Email="bench@example.com", AccountName="Bench")["CreateAccountStatus"]
    while status["State"] == "IN_PROGRESS":
        time.sleep(0.05)
        status = org.describe_create_account_status(
            CreateAccountRequestId=status["Id"])["CreateAccountStatus"]
    org.move_account(AccountId=status["AccountId"], SourceParentId=root, DestinationParentId=ou)
    org.create_policy(Name="OrgOnly", Description="", Type="RESOURCE_CONTROL_POLICY",
                      Content=json.dumps({"Version": "2012-10-17", "Statement": [{
                          "Effect": "Deny", "Principal": "*", "Action": "sts:*", "Resource": "*",
                          "Condition": {"StringNotEqualsIfExists": {
                              "aws:PrincipalOrgID": org_id}}}]}))
    print("arn:aws:iam::%s:role/OrganizationAccountAccessRole" % status["AccountId"])
elif step == "on":
    org.enable_policy_type(RootId=root, PolicyType="RESOURCE_CONTROL_POLICY")
    ou = org.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"][0]["Id"]
    policy = [p for p in org.list_policies(Filter="RESOURCE_CONTROL_POLICY")["Policies"]
              if p["Name"] == "OrgOnly"][0]["Id"]
    org.attach_policy(PolicyId=policy, TargetId=ou)
else:
    org.disable_policy_type(RootId=root, PolicyType="RESOURCE_CONTROL_POLICY")
PY
role_arn=$(python3 "$data/rcp_org.py" "$endpoint" "$key" "$secret" setup)
for round in $(seq "$rounds"); do
  for step in on off; do
    python3 "$data/rcp_org.py" "$endpoint" "$key" "$secret" "$step"
    echo "== round $round, RCPs $step: sts AssumeRole into a member account, 16 connections"
    "$build/bench/iam_load" "$port" "$key" "$secret" assume-role 16 1000 "$role_arn"
  done
done
