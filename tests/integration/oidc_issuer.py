"""A test OpenID Connect issuer on loopback, for STS AssumeRoleWithWebIdentity.

    with OidcIssuer(path="/tenant-a") as issuer:
        iam.create_open_id_connect_provider(Url=issuer.url, ClientIDList=["sts.amazonaws.com"],
                                           ThumbprintList=[issuer.thumbprint])
        token = issuer.token(sub="repo:org/x:ref:refs/heads/main")
        sts.assume_role_with_web_identity(RoleArn=..., RoleSessionName="s",
                                          WebIdentityToken=token)

It serves {path}/.well-known/openid-configuration and {path}/keys over HTTPS on 127.0.0.1 with
a certificate chain of its own (root CA -> intermediate CA -> server certificate for
IP:127.0.0.1 and DNS:localhost; the server sends the server certificate and the intermediate).
The server that fetches from it must trust `ca_file`.

`thumbprint` is what IAM calls an OIDC provider's thumbprint: the lower-case hex SHA-1 of the DER
of the top intermediate CA certificate the server presents (the last certificate it sends).
With intermediate=False the server sends only its own certificate, signed by the root CA, and
`thumbprint` is then the root CA's. `thumbprints` holds all three ("root", "intermediate" (None
without one), "leaf") for tests that try the others.

Signing keys (RSA-2048 for RS*/PS*, P-256/P-384/P-521 for ES256/384/512) are made on first use,
one per algorithm, each with its own kid. `mint` signs any header and claims; `forge_none`,
`forge_hs256_with_public_key` and `tamper_payload` make the tokens an attacker would.

Tests change the answers with `respond` (status, body, headers, delay, a body without
Content-Length), `set_delay`, `oversize`, `jwks_uri` and `discovery_overrides`, and count the
requests per path in `fetches`.

Needs only the standard library and the openssl command.
"""
import base64
import hashlib
import hmac
import http.server
import json
import os
import secrets
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

# The JOSE algorithms: (key type, digest, curve, size in bytes of r and of s).
ALGORITHMS = {
    "RS256": ("RSA", "sha256", None, None),
    "RS384": ("RSA", "sha384", None, None),
    "RS512": ("RSA", "sha512", None, None),
    "PS256": ("RSA", "sha256", None, None),
    "PS384": ("RSA", "sha384", None, None),
    "PS512": ("RSA", "sha512", None, None),
    "ES256": ("EC", "sha256", "P-256", 32),
    "ES384": ("EC", "sha384", "P-384", 48),
    "ES512": ("EC", "sha512", "P-521", 66),
}

# OpenSSL's names of the JOSE curves (accepted by every OpenSSL in use).
OPENSSL_CURVES = {"P-256": "prime256v1", "P-384": "secp384r1", "P-521": "secp521r1"}

# Extensions of the test PKI's certificates, in a configuration file of our own so that the
# system's openssl.cnf changes nothing. Key identifiers keep Python's strict verification happy.
OPENSSL_CNF = """\
[req]
distinguished_name = dn
[dn]
[root_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[intermediate_ext]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[leaf_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = %(san)s
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
"""


def openssl(*args, data=None):
    """Runs `openssl ARGS` with `data` (bytes) on stdin; returns its stdout (bytes). Raises
    RuntimeError with openssl's message if it fails."""
    p = subprocess.run(["openssl"] + list(args), input=data, capture_output=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError("openssl %s failed: %s" % (" ".join(args), p.stderr.decode().strip()))
    return p.stdout


def b64url(data):
    """base64url without padding (JOSE's encoding)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    """The bytes of base64url text with or without padding."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def compact_json(value):
    """JSON as JWTs carry it: UTF-8, no whitespace."""
    return json.dumps(value, separators=(",", ":")).encode()


# --- A minimal DER reader: enough to take keys and ECDSA signatures apart. ---

def der_read(data, pos=0):
    """The TLV at data[pos:]: (tag, contents, position after it)."""
    tag, length = data[pos], data[pos + 1]
    pos += 2
    if length & 0x80:  # long form: the next (length & 0x7f) bytes hold the length
        count = length & 0x7F
        length = int.from_bytes(data[pos:pos + count], "big")
        pos += count
    return tag, data[pos:pos + length], pos + length


def der_children(contents):
    """The (tag, contents) of each TLV inside a SEQUENCE's contents."""
    children, pos = [], 0
    while pos < len(contents):
        tag, value, pos = der_read(contents, pos)
        children.append((tag, value))
    return children


def unsigned(integer_bytes):
    """A DER INTEGER's bytes without the leading zero that keeps it positive."""
    return integer_bytes.lstrip(b"\x00") or b"\x00"


def spki_public_key(spki_der):
    """The public key bytes of a SubjectPublicKeyInfo: the BIT STRING's contents past its
    unused-bits byte (an RSAPublicKey's DER, or an EC point)."""
    _, spki, _ = der_read(spki_der)
    (_, _algorithm), (tag, bits) = der_children(spki)
    assert tag == 0x03 and bits[0] == 0, "not a SubjectPublicKeyInfo"
    return bits[1:]


def ecdsa_der_to_jose(signature_der, size):
    """OpenSSL's ECDSA-Sig-Value (SEQUENCE of INTEGER r, s) as JOSE's r || s, each `size`
    bytes big-endian (RFC 7518 section 3.4)."""
    _, sequence, _ = der_read(signature_der)
    (_, r), (_, s) = der_children(sequence)
    return unsigned(r).rjust(size, b"\x00") + unsigned(s).rjust(size, b"\x00")


class SigningKey:
    """One signing key: its algorithm, kid, private key file and JWK."""

    def __init__(self, directory, alg, kid):
        self.alg, self.kid = alg, kid
        kty, _, curve, _ = ALGORITHMS[alg]
        self.path = os.path.join(directory, "%s.key.pem" % kid)
        if kty == "RSA":
            openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                    "-out", self.path)
        else:
            openssl("genpkey", "-algorithm", "EC", "-pkeyopt",
                    "ec_paramgen_curve:" + OPENSSL_CURVES[curve], "-pkeyopt",
                    "ec_param_enc:named_curve", "-out", self.path)
        self.public_pem = openssl("pkey", "-in", self.path, "-pubout")  # SPKI PEM bytes
        self.public_der = openssl("pkey", "-in", self.path, "-pubout", "-outform", "DER")
        self.jwk = self.make_jwk(kty, curve)

    def make_jwk(self, kty, curve):
        """The public JWK: n/e (RSA) or crv/x/y (EC), base64url without padding."""
        key = spki_public_key(self.public_der)
        jwk = {"kty": kty, "kid": self.kid, "use": "sig", "alg": self.alg}
        if kty == "RSA":
            _, rsa, _ = der_read(key)  # RSAPublicKey: SEQUENCE { INTEGER n, INTEGER e }
            (_, n), (_, e) = der_children(rsa)
            jwk.update(n=b64url(unsigned(n)), e=b64url(unsigned(e)))
        else:
            size = ALGORITHMS[self.alg][3]
            assert key[0] == 0x04 and len(key) == 1 + 2 * size, "not an uncompressed point"
            jwk.update(crv=curve, x=b64url(key[1:1 + size]), y=b64url(key[1 + size:]))
        return jwk

    def sign(self, alg, data):
        """The JWS signature of `data` under `alg` (which must suit this key's type)."""
        kty, digest, _, size = ALGORITHMS[alg]
        args = ["dgst", "-" + digest, "-sign", self.path]
        if alg.startswith("PS"):  # RSASSA-PSS, MGF1 with the same digest, salt = digest length
            args += ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest"]
        signature = openssl(*args, data=data)
        return ecdsa_der_to_jose(signature, size) if kty == "EC" else signature


class _Handler(http.server.BaseHTTPRequestHandler):
    """Answers GETs from the issuer's documents or a test's override."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):
        issuer = self.server.issuer
        path = urllib.parse.urlsplit(self.path).path
        override, delay = issuer._record(path)
        if delay and issuer._stopping.wait(delay):
            return  # stopping: give up on the delayed answer
        status, body, headers, send_length = issuer._answer(path, override)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if send_length:
            self.send_header("Content-Length", str(len(body)))
        else:  # the body ends where the connection does
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        """Quiet: the tests read `fetches`, not a log."""


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """Keeps the error (a client refusing the certificate, one hanging up on a delayed
        answer) in issuer.errors instead of printing a traceback."""
        self.issuer.errors.append(repr(sys.exc_info()[1]))


class OidcIssuer:
    """An OpenID Connect issuer at https://127.0.0.1:PORT{path}; see the module's docstring."""

    def __init__(self, path="", host="127.0.0.1", intermediate=True,
                 san="IP:127.0.0.1,DNS:localhost", days=365):
        """path: the issuer URL's path ("" or e.g. "/tenant-a"); host: the host name in `url`
        (the certificate covers both loopback names by default); intermediate: whether a CA
        sits between the root and the server certificate; san: the server certificate's
        subjectAltName; days: the certificates' lifetime."""
        self.path = path.rstrip("/")
        self.host, self.intermediate, self.san, self.days = host, intermediate, san, days
        self.fetches = {}  # request path -> number of GETs
        self.errors = []  # connection errors the server met, as repr()s
        self.discovery_overrides = {}  # merged into the discovery document; None removes
        self.jwks_uri = None  # None: url + "/keys"; set to point the discovery elsewhere
        self._lock = threading.Lock()
        self._overrides = {}  # path -> (status, body or None, headers, send_length)
        self._delays = {}  # path -> seconds
        self._keys = []  # SigningKey, in the order made
        self._published = set()  # kids in the JWKS
        self._current = {}  # alg -> its current SigningKey
        self._serial = 0
        self._stopping = threading.Event()
        self._server = None

    # --- Lifecycle ---

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        """Makes the PKI in a temporary directory and serves on a free loopback port;
        returns self."""
        self._dir = tempfile.TemporaryDirectory(prefix="oidc-issuer-")
        self._make_pki()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.chain_file, self.server_key_file)
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.issuer = self
        # The handshake happens on the handler's thread, so that no client blocks accept().
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True,
                                                  do_handshake_on_connect=False)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        """Stops serving (cutting delayed answers short) and removes the directory."""
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(10)
        self._server = None
        self._dir.cleanup()

    # --- URLs and paths ---

    @property
    def url(self):
        """The issuer URL: https://HOST:PORT{path}."""
        return "https://%s:%d%s" % (self.host, self.port, self.path)

    @property
    def discovery_path(self):
        return self.path + "/.well-known/openid-configuration"

    @property
    def jwks_path(self):
        return self.path + "/keys"

    # --- The test PKI ---

    def _file(self, name):
        return os.path.join(self._dir.name, name)

    def _make_pki(self):
        """root CA -> [intermediate CA ->] server certificate, EC P-256 throughout."""
        with open(self._file("openssl.cnf"), "w") as f:
            f.write(OPENSSL_CNF % {"san": self.san})
        self.ca_file = self._file("root.pem")
        self._ec_key("root.key")
        openssl("req", "-x509", "-new", "-config", self._file("openssl.cnf"), "-extensions",
                "root_ext", "-key", self._file("root.key"), "-subj",
                "/O=Gatehouse tests/CN=Test OIDC Root CA", "-days", str(self.days),
                "-sha256", "-out", self.ca_file)
        issuer = "root"
        if self.intermediate:
            self._issue("intermediate", "/O=Gatehouse tests/CN=Test OIDC Intermediate CA",
                        issuer, "intermediate_ext")
            issuer = "intermediate"
        self._issue("leaf", "/O=Gatehouse tests/CN=localhost", issuer, "leaf_ext")
        self.server_key_file = self._file("leaf.key")
        self.chain_file = self._file("chain.pem")  # what the server sends
        presented = ["leaf", "intermediate"] if self.intermediate else ["leaf"]
        with open(self.chain_file, "w") as f:
            f.write("".join(self.cert_pem(name) for name in presented))
        self.thumbprints = {"root": self._sha1("root"), "leaf": self._sha1("leaf"),
                            "intermediate": self._sha1("intermediate") if self.intermediate
                            else None}
        self.thumbprint = self.thumbprints["intermediate" if self.intermediate else "root"]

    def _ec_key(self, name):
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-out", self._file(name))

    def _issue(self, name, subject, issuer, extensions):
        """Writes NAME.key and the certificate NAME.pem, signed by ISSUER.key."""
        self._ec_key(name + ".key")
        csr = openssl("req", "-new", "-config", self._file("openssl.cnf"), "-key",
                      self._file(name + ".key"), "-subj", subject)
        openssl("x509", "-req", "-CA", self._file(issuer + ".pem"), "-CAkey",
                self._file(issuer + ".key"), "-set_serial", str(secrets.randbits(63)),
                "-days", str(self.days), "-sha256", "-extfile", self._file("openssl.cnf"),
                "-extensions", extensions, "-out", self._file(name + ".pem"), data=csr)

    def cert_pem(self, name):
        """The PEM text of "root", "intermediate" or "leaf"."""
        with open(self._file(name + ".pem")) as f:
            return f.read()

    def _sha1(self, name):
        """Lower-case hex SHA-1 of a certificate's DER (IAM's thumbprint form)."""
        return hashlib.sha1(ssl.PEM_cert_to_DER_cert(self.cert_pem(name))).hexdigest()

    # --- Signing keys ---

    def key(self, alg="RS256"):
        """The current SigningKey of `alg`, made and published on first use."""
        with self._lock:
            if alg not in self._current:
                self._current[alg] = self._new_key(alg, publish=True)
            return self._current[alg]

    def _new_key(self, alg, publish):
        """A new SigningKey with a new kid (the caller holds the lock or owns the key)."""
        if alg not in ALGORITHMS:
            raise ValueError("unknown algorithm %r" % alg)
        self._serial += 1
        key = SigningKey(self._dir.name, alg, "%s-%d-%s" % (alg.lower(), self._serial,
                                                         secrets.token_hex(4)))
        self._keys.append(key)
        if publish:
            self._published.add(key.kid)
        return key

    def new_key(self, alg="RS256", publish=False):
        """A new key of `alg` that is not the current one; unpublished unless asked, so that a
        test can sign with a kid the JWKS lacks (mint(sign_with=key)) and `publish` it later."""
        with self._lock:
            return self._new_key(alg, publish)

    def publish(self, key):
        """Adds a key to the JWKS."""
        with self._lock:
            self._published.add(key.kid)

    def unpublish(self, key_or_kid):
        """Removes a key from the JWKS (it can still sign)."""
        with self._lock:
            self._published.discard(getattr(key_or_kid, "kid", key_or_kid))

    def rotate(self, alg="RS256", drop_old=False):
        """Makes a new current key of `alg` (new kid, published); with drop_old the previous
        keys of `alg` leave the JWKS. Returns the new SigningKey."""
        self.key(alg)  # the old key exists, so that drop_old has something to drop
        with self._lock:
            new = self._new_key(alg, publish=True)
            if drop_old:
                self._published -= {k.kid for k in self._keys if k.alg == alg and k is not new}
            self._current[alg] = new
            return new

    def find_key(self, kid):
        """The SigningKey with that kid, or None."""
        with self._lock:
            return next((k for k in self._keys if k.kid == kid), None)

    def jwks(self):
        """The JWKS document: {"keys": [the published JWKs]}."""
        with self._lock:
            return {"keys": [dict(k.jwk) for k in self._keys if k.kid in self._published]}

    # --- Tokens ---

    def claims(self, sub="repo:org/x:ref:refs/heads/main", aud="sts.amazonaws.com",
               lifetime=300, issued_at=None, **extra_claims):
        """A claims set from this issuer: iss, sub, aud, iat = nbf = issued_at (now by
        default), exp = iat + lifetime, then extra_claims (which may replace any of them)."""
        now = int(time.time() if issued_at is None else issued_at)
        claims = {"iss": self.url, "sub": sub, "aud": aud, "iat": now, "nbf": now,
                  "exp": now + lifetime}
        claims.update(extra_claims)
        return claims

    def token(self, sub="repo:org/x:ref:refs/heads/main", aud="sts.amazonaws.com",
              lifetime=300, alg="RS256", **extra_claims):
        """A valid token: `claims(...)` signed with the current key of `alg`."""
        return self.mint(self.claims(sub, aud, lifetime, **extra_claims), alg=alg)

    def mint(self, claims, alg="RS256", kid=None, header_overrides=None, sign_with=None):
        """A compact JWS of `claims` signed under `alg`. The signing key is sign_with (a
        SigningKey), else the key whose kid is `kid`, else the current key of `alg`. The
        header is {"alg", "typ": "JWT", "kid": kid or the key's kid}, then header_overrides
        (None as a value removes a field)."""
        key = sign_with or (kid and self.find_key(kid)) or self.key(alg)
        header = {"alg": alg, "typ": "JWT", "kid": kid or key.kid}
        signing_input = self._signing_input(header, header_overrides, claims)
        return signing_input + "." + b64url(key.sign(alg, signing_input.encode()))

    @staticmethod
    def _signing_input(header, header_overrides, claims):
        """base64url(header) "." base64url(claims), after applying the header overrides."""
        for name, value in (header_overrides or {}).items():
            if value is None:
                header.pop(name, None)
            else:
                header[name] = value
        return b64url(compact_json(header)) + "." + b64url(compact_json(claims))

    # --- Forgeries, for the security tests ---

    def forge_none(self, claims, alg="none", header_overrides=None):
        """An unsigned token: {"alg": "none"} (or "None", "NONE"...) and an empty signature."""
        return self._signing_input({"alg": alg, "typ": "JWT"}, header_overrides, claims) + "."

    def forge_hs256_with_public_key(self, claims, rsa_alg="RS256", header_overrides=None):
        """Key confusion: alg HS256, the kid of the current `rsa_alg` key, and an HMAC-SHA256
        keyed with that key's public PEM bytes (SubjectPublicKeyInfo, as published)."""
        key = self.key(rsa_alg)
        signing_input = self._signing_input({"alg": "HS256", "typ": "JWT", "kid": key.kid},
                                            header_overrides, claims)
        mac = hmac.new(key.public_pem, signing_input.encode(), hashlib.sha256).digest()
        return signing_input + "." + b64url(mac)

    @staticmethod
    def tamper_payload(token, changes=None, **changed_claims):
        """The token with its claims changed (changes and changed_claims; None removes a
        claim) and re-encoded, its header and signature kept as they were."""
        header, payload, signature = token.split(".")
        claims = json.loads(b64url_decode(payload))
        for name, value in dict(changes or {}, **changed_claims).items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        return ".".join([header, b64url(compact_json(claims)), signature])

    # --- What the server answers ---

    def discovery(self):
        """The discovery document, with discovery_overrides applied."""
        document = {
            "issuer": self.url,
            "jwks_uri": self.jwks_uri or self.url + "/keys",
            "authorization_endpoint": self.url + "/authorize",
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": sorted(ALGORITHMS),
            "claims_supported": ["sub", "aud", "iss", "iat", "exp", "nbf"],
        }
        for name, value in self.discovery_overrides.items():
            if value is None:
                document.pop(name, None)
            else:
                document[name] = value
        return document

    def respond(self, path, status=200, body=None, headers=None, send_length=True):
        """Overrides the answer to GET `path` (e.g. issuer.jwks_path): the status, the body
        (bytes, str, or a dict/list sent as JSON; None keeps the normal document), extra
        headers, and whether a Content-Length is sent (if not, the connection closes after
        the body)."""
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        with self._lock:
            self._overrides[path] = (status, body, dict(headers or {}), send_length)

    def oversize(self, path, size, send_length=True):
        """Serves the normal document at `path` padded with spaces to `size` bytes: valid JSON,
        too large."""
        body = self._document(path) or b"{}"
        self.respond(path, body=body + b" " * max(0, size - len(body)), send_length=send_length)

    def set_delay(self, path, seconds):
        """Waits `seconds` before answering GET `path` (0 removes the delay)."""
        with self._lock:
            self._delays[path] = seconds

    def clear(self, path=None):
        """Removes the overrides and delays of `path` (of every path if None)."""
        with self._lock:
            for table in (self._overrides, self._delays):
                if path is None:
                    table.clear()
                else:
                    table.pop(path, None)

    def reset_fetches(self):
        with self._lock:
            self.fetches.clear()

    def _record(self, path):
        """Counts a GET of `path`; returns its override and delay (handler thread)."""
        with self._lock:
            self.fetches[path] = self.fetches.get(path, 0) + 1
            return self._overrides.get(path), self._delays.get(path, 0)

    def _document(self, path):
        """The normal body of `path` (discovery or JWKS), or None."""
        if path == self.discovery_path:
            return json.dumps(self.discovery()).encode()
        if path == self.jwks_path:
            return json.dumps(self.jwks()).encode()
        return None

    def _answer(self, path, override):
        """(status, body, headers, send_length) for a GET of `path`."""
        headers = {"Content-Type": "application/json"}
        status, body, extra, send_length = override or (200, None, {}, True)
        if body is None:
            body = self._document(path)
            if body is None:
                status, body = (404 if override is None else status), b'{"error":"not found"}'
        headers.update(extra)
        return status, body, headers, send_length
