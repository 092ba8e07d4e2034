"""A minimal console client for integration tests: a browser's cookie and CSRF header over
http.client, speaking the JSON endpoints of docs/console.md."""
import http.client
import json
import re
import urllib.parse

COOKIE = re.compile(r"gatehouse-session=([^;]*)")


class ConsoleClient:
    def __init__(self, port, address_header=None):
        self.port = port
        self.cookie = None
        self.csrf = None

    def request(self, method, path, body=None, headers=None, csrf=True):
        """(status, headers dict (lower-case), parsed JSON or raw text)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = dict(headers or {})
        if self.cookie:
            h["Cookie"] = "gatehouse-session=" + self.cookie
        if csrf and self.csrf and method == "POST":
            h["X-CSRF-Token"] = self.csrf
        data = None
        if isinstance(body, (str, bytes)):
            data = body  # sent as it is, with the caller's Content-Type
        elif body is not None:
            data = json.dumps(body)
            h["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        raw = r.read()
        out_headers = {k.lower(): v for k, v in r.getheaders()}
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                m = COOKIE.search(v)
                if m:
                    self.cookie = m.group(1) or None
        conn.close()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode("utf-8", "replace")
        return r.status, out_headers, parsed

    def post(self, path, body=None, **kwargs):
        return self.request("POST", path, body if body is not None else {}, **kwargs)

    def post_form(self, path, fields, headers=None):
        """A form POST (application/x-www-form-urlencoded), as a page of another site sends it:
        (status, headers, body)."""
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        h.update(headers or {})
        return self.request("POST", path, urllib.parse.urlencode(fields), headers=h, csrf=False)

    def session(self):
        status, _, doc = self.request("GET", "/console/session")
        assert status == 200, doc
        self.csrf = doc.get("csrfToken")
        return doc

    def sign_in_user(self, account, user, password):
        status, _, doc = self.post("/console/signin",
                                   {"account": account, "userName": user, "password": password})
        if status == 200 and doc.get("signedIn"):
            self.session()
        return status, doc

    def sign_in_root(self, email, password):
        status, _, doc = self.post("/console/signin", {"email": email, "password": password})
        if status == 200 and doc.get("signedIn"):
            self.session()
        return status, doc

    def step(self, path, body):
        status, _, doc = self.post(path, body)
        if status == 200 and doc.get("signedIn"):
            self.session()
        return status, doc

    def api(self, service, operation, input=None):
        status, _, doc = self.post("/console/api/%s/%s" % (service, operation), input or {})
        return status, doc
