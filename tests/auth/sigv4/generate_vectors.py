#!/usr/bin/env python3
"""Writes botocore_vectors.json: requests signed by botocore's own SigV4 signer, with the
canonical request botocore computed, for tests/unit/auth/sigv4_test.cc.

Run it again (python3 generate_vectors.py) when adding cases; CI reads the committed JSON and
needs no botocore.
"""
import datetime
import json
import os
from unittest import mock

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

SIGNING_TIME = datetime.datetime(2026, 11, 29, 7, 0, 0)
KEY_ID = "AKIAGATEHOUSEEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYgatehouseKEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLETOKEN+/="

CASES = [
    # name, method, url, headers, body, service, region, presign expiry (None: header auth), token
    ("sts get-caller-identity form post", "POST", "https://sts.amazonaws.com/",
     {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
     "Action=GetCallerIdentity&Version=2011-06-15", "sts", "us-east-1", None, False),
    ("iam list-users over http to a local port", "POST", "http://127.0.0.1:4566/",
     {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
     "Action=ListUsers&Version=2010-05-08&MaxItems=10&PathPrefix=%2Fdivision_abc%2F",
     "iam", "us-east-1", None, False),
    ("organizations json 1.1", "POST", "http://localhost:8080/",
     {"Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": "AWSOrganizationsV20161128.DescribeOrganization"},
     "{}", "organizations", "us-east-1", None, False),
    ("session token header", "POST", "http://localhost:8080/",
     {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
     "Action=GetCallerIdentity&Version=2011-06-15", "sts", "eu-west-1", None, True),
    ("get with query in odd order and reserved characters", "GET",
     "http://localhost:8080/?Version=2010-05-08&Action=GetUser&UserName=al%20ice%2Bbob~%2F&Zeta=&alpha=1",
     {}, "", "iam", "us-east-1", None, False),
    ("get with repeated keys sorted by value", "GET",
     "http://localhost:8080/?b=2&a=3&a=1", {}, "", "iam", "us-east-1", None, False),
    ("path with dot segments and spaces", "GET",
     "http://localhost:8080/a/./b/../c%20d/", {}, "", "iam", "us-east-1", None, False),
    ("header values with runs of spaces", "POST", "http://localhost:8080/",
     {"Content-Type": "application/x-www-form-urlencoded;   charset=utf-8",
      "X-Amz-Meta-Note": "  several    spaces  here "},
     "Action=ListRoles&Version=2010-05-08", "iam", "us-east-1", None, False),
    ("utf-8 body", "POST", "http://localhost:8080/",
     {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
     "Action=CreateUser&Version=2010-05-08&UserName=J%C3%BCrgen", "iam", "us-east-1", None, False),
    # The request shapes of AWS's Signature Version 4 test suite, signed by botocore.
    ("suite get-header-key-duplicate", "GET", "http://example.amazonaws.com/",
     {"My-Header1": "value2,value2,value1"}, "", "service", "us-east-1", None, False),
    ("suite get-header-value-trim", "GET", "http://example.amazonaws.com/",
     {"My-Header1": " value1", "My-Header2": " \"a   b   c\""}, "", "service", "us-east-1",
     None, False),
    ("suite get-unreserved", "GET",
     "http://example.amazonaws.com/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
     {}, "", "service", "us-east-1", None, False),
    ("suite get-utf8", "GET", "http://example.amazonaws.com/%E1%88%B4", {}, "", "service",
     "us-east-1", None, False),
    ("suite get-vanilla-empty-query-key", "GET", "http://example.amazonaws.com/?Param1=value1",
     {}, "", "service", "us-east-1", None, False),
    ("suite get-vanilla-query-order-key-case", "GET",
     "http://example.amazonaws.com/?Param2=value2&Param1=value1", {}, "", "service",
     "us-east-1", None, False),
    ("suite get-vanilla-query-unreserved", "GET",
     "http://example.amazonaws.com/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz="
     "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", {}, "", "service",
     "us-east-1", None, False),
    ("suite get-vanilla-utf8-query", "GET", "http://example.amazonaws.com/?%E1%88%B4=bar", {}, "",
     "service", "us-east-1", None, False),
    ("suite normalize-path get-relative-relative", "GET",
     "http://example.amazonaws.com/example1/example2/../..", {}, "", "service", "us-east-1",
     None, False),
    ("suite normalize-path get-slashes", "GET", "http://example.amazonaws.com//example//", {},
     "", "service", "us-east-1", None, False),
    ("suite normalize-path get-slash-dot-slash", "GET", "http://example.amazonaws.com/./", {},
     "", "service", "us-east-1", None, False),
    ("suite normalize-path get-space", "GET", "http://example.amazonaws.com/example%20space/",
     {}, "", "service", "us-east-1", None, False),
    ("suite post-header-key-sort", "POST", "http://example.amazonaws.com/",
     {"My-Header1": "value1"}, "", "service", "us-east-1", None, False),
    ("suite post-sts-token", "POST", "http://example.amazonaws.com/", {}, "", "service",
     "us-east-1", None, True),
    ("suite post-x-www-form-urlencoded", "POST", "http://example.amazonaws.com/",
     {"Content-Type": "application/x-www-form-urlencoded"}, "Param1=value1", "service",
     "us-east-1", None, False),
    ("presigned get-caller-identity", "GET",
     "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15", {}, "",
     "sts", "us-east-1", 900, False),
    ("presigned with session token and a week of validity", "GET",
     "http://127.0.0.1:4566/?Action=GetCallerIdentity&Version=2011-06-15", {}, "",
     "sts", "us-east-1", 604800, True),
]


def main():
    vectors = []
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=SIGNING_TIME):
        for name, method, url, headers, body, service, region, expires, token in CASES:
            creds = Credentials(KEY_ID, SECRET, TOKEN if token else None)
            request = AWSRequest(method=method, url=url, headers=headers,
                                 data=body.encode() if body else None)
            if expires is None:
                signer = botocore.auth.SigV4Auth(creds, service, region)
            else:
                signer = botocore.auth.SigV4QueryAuth(creds, service, region, expires=expires)
            seen = []  # the canonical request botocore signs, captured as it is computed
            compute = signer.canonical_request
            signer.canonical_request = lambda r, compute=compute: seen.append(compute(r)) or seen[-1]
            signer.add_auth(request)
            canonical = seen[0]
            prepared = request.prepare()
            split = prepared.url.split("/", 3)
            target = "/" + (split[3] if len(split) > 3 else "")
            host = split[2]
            sent_headers = [["Host", host]] + [[k, v] for k, v in prepared.headers.items()]
            payload = prepared.body or b""
            vectors.append({
                "name": name,
                "method": method,
                "target": target,
                "headers": sent_headers,
                "body": payload.decode() if isinstance(payload, bytes) else payload,
                "secret": SECRET,
                "now": int(SIGNING_TIME.replace(tzinfo=datetime.timezone.utc).timestamp()),
                "canonicalRequest": canonical,
                "presigned": expires is not None,
            })
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "botocore_vectors.json")
    with open(out, "w") as f:
        json.dump({"signer": "botocore " + botocore.__version__, "vectors": vectors}, f,
                  indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
