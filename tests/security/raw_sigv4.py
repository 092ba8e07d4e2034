"""A small SigV4 signer for hand-made requests: what an attacker sends is not what an SDK would,
so the tests build the bytes themselves and sign exactly the parts they choose.

    signed = sign("POST", "/", query="", headers={...}, body=b"...", key=(id, secret),
                  service="sts", payload_hash=None)   # returns headers with Authorization
    url = presign("GET", "/", {"Action": "GetCallerIdentity", ...}, key, service="sts")
"""
import datetime
import hashlib
import hmac
import http.client
import urllib.parse

REGION = "us-east-1"


def _hmac(key, text):
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def signing_key(secret, date, service):
    k = _hmac(("AWS4" + secret).encode(), date)
    k = _hmac(k, REGION)
    k = _hmac(k, service)
    return _hmac(k, "aws4_request")


def encode(s):
    return urllib.parse.quote(s, safe="-_.~")


def canonical_query(params):
    """params: list of (key, value) as the signer means them (already decoded)."""
    return "&".join("%s=%s" % (encode(k), encode(v)) for k, v in sorted(params))


def amz_now():
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")


def sign(method, path, signed_query, headers, body, key, service, payload_hash=None,
         raw_query=None):
    """Returns (target, headers) for a header-signed request. `signed_query` is the list of
    (key, value) pairs the signature covers; `raw_query` (default: their encoding) is what is
    sent on the request line. `payload_hash` (default: SHA-256 of `body`) is the hash the
    signature covers."""
    amz_date, date = amz_now()
    headers = dict(headers)
    headers["X-Amz-Date"] = amz_date
    names = sorted(h.lower() for h in headers)
    canonical_headers = "".join("%s:%s\n" % (n, str(headers[[h for h in headers if h.lower() == n][0]]).strip())
                                for n in names)
    signed_headers = ";".join(names)
    if payload_hash is None:
        payload_hash = hashlib.sha256(body).hexdigest()
    creq = "\n".join([method, path, canonical_query(signed_query), canonical_headers,
                      signed_headers, payload_hash])
    scope = "%s/%s/%s/aws4_request" % (date, REGION, service)
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                     hashlib.sha256(creq.encode()).hexdigest()])
    signature = hmac.new(signing_key(key[1], date, service), sts.encode(),
                         hashlib.sha256).hexdigest()
    headers["Authorization"] = ("AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s"
                                % (key[0], scope, signed_headers, signature))
    query = raw_query if raw_query is not None else canonical_query(signed_query)
    return (path + ("?" + query if query else "")), headers


def presign(method, path, params, host, key, service, expires=900):
    """The target (path and query) of a presigned URL for `params`, signing only the host."""
    amz_date, date = amz_now()
    scope = "%s/%s/%s/aws4_request" % (date, REGION, service)
    q = list(params.items()) + [
        ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
        ("X-Amz-Credential", "%s/%s" % (key[0], scope)),
        ("X-Amz-Date", amz_date),
        ("X-Amz-Expires", str(expires)),
        ("X-Amz-SignedHeaders", "host"),
    ]
    creq = "\n".join([method, path, canonical_query(q), "host:%s\n" % host, "host",
                      hashlib.sha256(b"").hexdigest()])
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                     hashlib.sha256(creq.encode()).hexdigest()])
    signature = hmac.new(signing_key(key[1], date, service), sts.encode(),
                         hashlib.sha256).hexdigest()
    return path + "?" + canonical_query(q) + "&X-Amz-Signature=" + signature


def send(port, method, target, headers=None, body=b""):
    """Sends the request as given; returns (status, body text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, target, body=body, headers=headers or {})
    r = conn.getresponse()
    text = r.read().decode("utf-8", "replace")
    conn.close()
    return r.status, text
