#!/usr/bin/env python3
"""console_bench.py BUILD_DIR: the server time of the API calls the console's pages make, with
ROLES (default 1,000) roles in the account (target: each under 50 ms), read from the JSON
request log. The calls go through /console/api with a signed-in root session, as the pages'
do; each is repeated REPEAT (default 50) times and reported as median and p99."""
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))
from console_client import ConsoleClient  # noqa: E402

import boto3  # noqa: E402

ROLES = int(os.environ.get("ROLES", "1000"))
REPEAT = int(os.environ.get("REPEAT", "50"))
PASSWORD = "Bench-Root-Passw0rd"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    gatehouse = os.path.join(build, "gatehouse")
    with tempfile.TemporaryDirectory() as data:
        port = free_port()
        log = open(os.path.join(data, "log"), "w+")
        proc = subprocess.Popen([gatehouse, "serve", "--listen", "127.0.0.1:%d" % port, "--data",
                                 data, "--log-format", "json"], stdout=log, stderr=subprocess.STDOUT)
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port)
                    break
                except OSError:
                    time.sleep(0.1)
            run(gatehouse, data, port, log.name)
        finally:
            proc.terminate()
            proc.wait(10)


def run(gatehouse, data, port, log_path):
    creds = open(os.path.join(data, "aws", "credentials")).read()
    key = re.search(r"aws_access_key_id = (\S+)", creds).group(1)
    secret = re.search(r"aws_secret_access_key = (\S+)", creds).group(1)
    iam = boto3.client("iam", endpoint_url="http://127.0.0.1:%d" % port, region_name="us-east-1",
                       aws_access_key_id=key, aws_secret_access_key=secret)
    trust = json.dumps({"Version": "2012-10-17", "Statement": {
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "sts:AssumeRole"}})
    for i in range(ROLES):
        iam.create_role(RoleName="role-%05d" % i, AssumeRolePolicyDocument=trust)
    iam.attach_role_policy(RoleName="role-00500",
                           PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    boto3.client("organizations", endpoint_url="http://127.0.0.1:%d" % port,
                 region_name="us-east-1", aws_access_key_id=key,
                 aws_secret_access_key=secret).create_organization()
    token = re.search(r"token=(\w+)", subprocess.run(
        [gatehouse, "account", "root-reset-link", "--data", data, "--email",
         "root@gatehouse.local"], capture_output=True, text=True).stdout).group(1)
    c = ConsoleClient(port)
    c.post("/console/reset-password", {"token": token, "password": PASSWORD})
    assert c.sign_in_root("root@gatehouse.local", PASSWORD)[0] == 200
    root_id = c.api("organizations", "ListRoots")[1]["Roots"][0]["Id"]
    pages = [
        ("iam", "ListRoles", {"MaxItems": 1000}),
        ("iam", "GetRole", {"RoleName": "role-00500"}),
        ("iam", "ListAttachedRolePolicies", {"RoleName": "role-00500"}),
        ("iam", "ListRolePolicies", {"RoleName": "role-00500"}),
        ("iam", "ListUsers", {}),
        ("iam", "ListGroups", {}),
        ("iam", "ListPolicies", {"Scope": "All", "MaxItems": 1000}),
        ("iam", "ListAccountAliases", {}),
        ("iam", "GetAccountPasswordPolicy", {}),
        ("organizations", "DescribeOrganization", {}),
        ("organizations", "ListChildren", {"ParentId": root_id, "ChildType": "ACCOUNT"}),
        ("organizations", "ListAccountsForParent", {"ParentId": root_id}),
    ]
    start = sum(1 for _ in open(log_path))
    for _ in range(REPEAT):
        c.session()
        for service, op, body in pages:
            c.api(service, op, body)
    time.sleep(0.5)
    ms = {}
    for n, line in enumerate(open(log_path)):
        if n < start or '"operation"' not in line:
            continue
        entry = json.loads(line)
        ms.setdefault(entry["operation"], []).append(entry["latencyMs"])
    print("== gatehouse: console page API calls, server time with %d roles (%d calls each)"
          % (ROLES, REPEAT))
    for op, values in sorted(ms.items()):
        values.sort()
        print("  %-40s median %7.3f ms  p99 %7.3f ms  max %7.3f ms" % (
            op, statistics.median(values), values[int(0.99 * (len(values) - 1))], values[-1]))


if __name__ == "__main__":
    main()
