"""The test OpenID Connect issuer (oidc_issuer.py) checked on its own, with the standard library
and the openssl command only: its documents are served over TLS that verifies with its CA file,
its JWKS holds the keys it signs with (RSA modulus as openssl prints it, EC points), its tokens'
signatures verify with `openssl dgst -verify`, its thumbprint is the SHA-1 fingerprint of the top
intermediate CA the server presents, and the tests' overrides and forgeries do what they say.
Needs no gatehouse server.
"""
import hashlib
import hmac
import http.client
import json
import os
import re
import socket
import ssl
import subprocess
import tempfile
import unittest

from oidc_issuer import ALGORITHMS, OidcIssuer, b64url_decode, openssl

# OIDs in DER, for a SubjectPublicKeyInfo built from a JWK.
RSA_ENCRYPTION = bytes.fromhex("06092a864886f70d010101")
EC_PUBLIC_KEY = bytes.fromhex("06072a8648ce3d0201")
CURVE_OIDS = {"P-256": bytes.fromhex("06082a8648ce3d030107"),
              "P-384": bytes.fromhex("06052b81040022"),
              "P-521": bytes.fromhex("06052b81040023")}


def der(tag, contents):
    """One DER TLV."""
    n = len(contents)
    length = bytes([n]) if n < 0x80 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + \
        n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag]) + length + contents


def der_integer(value):
    """A DER INTEGER of an unsigned big-endian byte string (a zero byte keeps it positive)."""
    value = value.lstrip(b"\x00") or b"\x00"
    return der(0x02, b"\x00" + value if value[0] & 0x80 else value)


def jwk_to_pem(jwk):
    """The PEM SubjectPublicKeyInfo of a public JWK, built from its n/e or crv/x/y alone, so
    that verifying with it checks the JWKS as much as the signature."""
    if jwk["kty"] == "RSA":
        algorithm = der(0x30, RSA_ENCRYPTION + der(0x05, b""))
        key = der(0x30, der_integer(b64url_decode(jwk["n"])) + der_integer(b64url_decode(jwk["e"])))
    else:
        algorithm = der(0x30, EC_PUBLIC_KEY + CURVE_OIDS[jwk["crv"]])
        key = b"\x04" + b64url_decode(jwk["x"]) + b64url_decode(jwk["y"])
    spki = der(0x30, algorithm + der(0x03, b"\x00" + key))
    return openssl("pkey", "-pubin", "-inform", "DER", "-outform", "PEM", data=spki)


def jose_to_der_signature(raw):
    """JOSE's r || s as the ECDSA-Sig-Value openssl verifies."""
    half = len(raw) // 2
    return der(0x30, der_integer(raw[:half]) + der_integer(raw[half:]))


class OidcIssuerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.issuer = OidcIssuer(path="/tenant-a").start()
        cls.scratch = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.issuer.stop()
        cls.scratch.cleanup()

    def get(self, path, host="127.0.0.1", cafile=None, timeout=5):
        """GET over TLS verified with the issuer's CA (strictly, as newer Pythons do):
        (status, body bytes)."""
        context = ssl.create_default_context(cafile=cafile or self.issuer.ca_file)
        context.verify_flags |= ssl.VERIFY_X509_STRICT
        conn = http.client.HTTPSConnection(host, self.issuer.port, context=context,
                                           timeout=timeout)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def scratch_file(self, name, data):
        path = os.path.join(self.scratch.name, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def published_jwk(self, kid):
        status, body = self.get(self.issuer.jwks_path)
        self.assertEqual(status, 200)
        return next(k for k in json.loads(body)["keys"] if k["kid"] == kid)

    def openssl_verifies(self, token, jwk):
        """Whether `openssl dgst -verify` accepts the token's signature under the JWK."""
        header, payload, signature = token.split(".")
        alg = json.loads(b64url_decode(header))["alg"]
        kty, digest, _, size = ALGORITHMS[alg]
        raw = b64url_decode(signature)
        if kty == "EC":
            self.assertEqual(len(raw), 2 * size)
            raw = jose_to_der_signature(raw)
        args = ["openssl", "dgst", "-" + digest, "-verify",
                self.scratch_file("pub.pem", jwk_to_pem(jwk)),
                "-signature", self.scratch_file("sig.bin", raw)]
        if alg.startswith("PS"):
            args += ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest"]
        p = subprocess.run(args, input=(header + "." + payload).encode(), capture_output=True)
        return p.returncode == 0

    def presented_chain(self, issuer):
        """The PEM certificates the server sends, as `openssl s_client -showcerts` sees them
        (after verifying them with the CA file)."""
        p = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % issuer.port,
                            "-servername", "localhost", "-showcerts", "-CAfile", issuer.ca_file,
                            "-verify_return_error"],
                           input=b"", capture_output=True, timeout=10)
        self.assertIn(b"Verify return code: 0 (ok)", p.stdout, p.stderr)
        return re.findall(rb"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n",
                          p.stdout, re.S)

    def sha1_fingerprint(self, pem):
        """`openssl x509 -fingerprint -sha1` as IAM writes thumbprints: lower-case hex."""
        out = openssl("x509", "-noout", "-fingerprint", "-sha1", data=pem).decode()
        return out.strip().split("=", 1)[1].replace(":", "").lower()

    def test_discovery_and_jwks_over_tls(self):
        issuer = self.issuer
        before = dict(issuer.fetches)
        for host in ("127.0.0.1", "localhost"):
            status, body = self.get(issuer.discovery_path, host=host)
            self.assertEqual(status, 200)
            document = json.loads(body)
            self.assertEqual(document["issuer"], "https://127.0.0.1:%d/tenant-a" % issuer.port)
            self.assertEqual(document["jwks_uri"], issuer.url + "/keys")
        status, body = self.get(issuer.jwks_path)
        self.assertEqual(status, 200)
        self.assertIn("keys", json.loads(body))
        self.assertEqual(issuer.fetches[issuer.discovery_path],
                         before.get(issuer.discovery_path, 0) + 2)
        self.assertEqual(issuer.fetches[issuer.jwks_path], before.get(issuer.jwks_path, 0) + 1)
        self.assertEqual(self.get(issuer.path + "/nothing")[0], 404)
        # Without the CA file, the chain is not trusted.
        with self.assertRaises(ssl.SSLCertVerificationError):
            context = ssl.create_default_context()
            conn = http.client.HTTPSConnection("127.0.0.1", issuer.port, context=context,
                                               timeout=5)
            try:
                conn.request("GET", issuer.discovery_path)
            finally:
                conn.close()

    def test_jwks_rsa_modulus_is_openssls(self):
        key = self.issuer.key("RS256")
        jwk = self.published_jwk(key.kid)
        self.assertEqual({k: jwk[k] for k in ("kty", "use", "alg", "e")},
                         {"kty": "RSA", "use": "sig", "alg": "RS256", "e": "AQAB"})
        self.assertNotIn("=", jwk["n"])
        modulus = openssl("rsa", "-pubin", "-noout", "-modulus", data=key.public_pem).decode()
        self.assertEqual(int(modulus.strip().split("=", 1)[1], 16),
                         int.from_bytes(b64url_decode(jwk["n"]), "big"))
        self.assertEqual(len(b64url_decode(jwk["n"])), 256)  # no leading zero byte

    def test_minted_tokens_verify_with_openssl(self):
        for alg in ("RS256", "PS256", "PS512", "ES256", "ES384", "ES512"):
            with self.subTest(alg=alg):
                token = self.issuer.token(alg=alg, custom="value")
                header = json.loads(b64url_decode(token.split(".")[0]))
                self.assertEqual(header, {"alg": alg, "typ": "JWT",
                                          "kid": self.issuer.key(alg).kid})
                claims = json.loads(b64url_decode(token.split(".")[1]))
                self.assertEqual(claims["iss"], self.issuer.url)
                self.assertEqual(claims["exp"] - claims["iat"], 300)
                self.assertEqual(claims["custom"], "value")
                jwk = self.published_jwk(header["kid"])
                if jwk["kty"] == "EC":
                    self.assertEqual(jwk["crv"], ALGORITHMS[alg][2])
                self.assertTrue(self.openssl_verifies(token, jwk))
                tampered = OidcIssuer.tamper_payload(token, sub="repo:org/other:ref:x")
                self.assertFalse(self.openssl_verifies(tampered, jwk))

    def test_thumbprint_is_the_presented_top_intermediate(self):
        chain = self.presented_chain(self.issuer)
        self.assertEqual(len(chain), 2)  # the server certificate, then the intermediate
        self.assertEqual(self.sha1_fingerprint(chain[-1]), self.issuer.thumbprint)
        self.assertEqual(self.issuer.thumbprint, self.issuer.thumbprints["intermediate"])
        self.assertEqual(self.sha1_fingerprint(chain[0]), self.issuer.thumbprints["leaf"])
        with open(self.issuer.ca_file, "rb") as f:
            self.assertEqual(self.sha1_fingerprint(f.read()), self.issuer.thumbprints["root"])

    def test_without_intermediate_the_thumbprint_is_the_roots(self):
        with OidcIssuer(intermediate=False) as issuer:
            chain = self.presented_chain(issuer)
            self.assertEqual(len(chain), 1)
            with open(issuer.ca_file, "rb") as f:
                self.assertEqual(self.sha1_fingerprint(f.read()), issuer.thumbprint)
            self.assertIsNone(issuer.thumbprints["intermediate"])
            self.assertEqual(issuer.url, "https://127.0.0.1:%d" % issuer.port)

    def test_rotation(self):
        issuer = self.issuer
        old = issuer.key("ES256")
        kept = issuer.rotate("ES256")
        self.assertIn(old.kid, [k["kid"] for k in issuer.jwks()["keys"]])
        new = issuer.rotate("ES256", drop_old=True)
        kids = [k["kid"] for k in issuer.jwks()["keys"]]
        self.assertNotIn(old.kid, kids)
        self.assertNotIn(kept.kid, kids)
        self.assertIn(new.kid, kids)
        self.assertEqual(json.loads(b64url_decode(issuer.token(alg="ES256").split(".")[0]))["kid"],
                         new.kid)
        # A key the JWKS lacks signs a token; publishing it makes it known.
        hidden = issuer.new_key("RS256")
        token = issuer.mint(issuer.claims(), sign_with=hidden)
        self.assertNotIn(hidden.kid, [k["kid"] for k in issuer.jwks()["keys"]])
        issuer.publish(hidden)
        self.assertTrue(self.openssl_verifies(token, self.published_jwk(hidden.kid)))
        issuer.unpublish(hidden)

    def test_overrides(self):
        issuer = self.issuer
        try:
            issuer.respond(issuer.jwks_path, status=503, body="unavailable")
            self.assertEqual(self.get(issuer.jwks_path), (503, b"unavailable"))
            issuer.oversize(issuer.jwks_path, 200000)
            status, body = self.get(issuer.jwks_path)
            self.assertEqual((status, len(body)), (200, 200000))
            self.assertIn("keys", json.loads(body))
            issuer.oversize(issuer.jwks_path, 50000, send_length=False)
            self.assertEqual(len(self.get(issuer.jwks_path)[1]), 50000)
            issuer.jwks_uri = "https://localhost:1/keys"
            issuer.discovery_overrides["issuer"] = "https://elsewhere.example"
            document = json.loads(self.get(issuer.discovery_path)[1])
            self.assertEqual(document["jwks_uri"], "https://localhost:1/keys")
            self.assertEqual(document["issuer"], "https://elsewhere.example")
            issuer.set_delay(issuer.discovery_path, 3)
            with self.assertRaises((socket.timeout, TimeoutError)):
                self.get(issuer.discovery_path, timeout=0.3)
        finally:
            issuer.clear()
            issuer.jwks_uri = None
            issuer.discovery_overrides.clear()
        self.assertEqual(json.loads(self.get(issuer.discovery_path)[1])["issuer"], issuer.url)

    def test_forgeries(self):
        issuer = self.issuer
        claims = issuer.claims()
        none = issuer.forge_none(claims)
        self.assertTrue(none.endswith("."))
        self.assertEqual(json.loads(b64url_decode(none.split(".")[0]))["alg"], "none")
        forged = issuer.forge_hs256_with_public_key(claims)
        header, payload, signature = forged.split(".")
        self.assertEqual(json.loads(b64url_decode(header)),
                         {"alg": "HS256", "typ": "JWT", "kid": issuer.key("RS256").kid})
        self.assertTrue(issuer.key("RS256").public_pem.startswith(b"-----BEGIN PUBLIC KEY-----"))
        expected = hmac.new(issuer.key("RS256").public_pem, (header + "." + payload).encode(),
                            hashlib.sha256).digest()
        self.assertEqual(b64url_decode(signature), expected)
        token = issuer.token()
        tampered = OidcIssuer.tamper_payload(token, {"aud": "other"}, nbf=None)
        self.assertEqual(tampered.split(".")[0], token.split(".")[0])
        self.assertEqual(tampered.split(".")[2], token.split(".")[2])
        changed = json.loads(b64url_decode(tampered.split(".")[1]))
        self.assertEqual(changed["aud"], "other")
        self.assertNotIn("nbf", changed)
        # A kid of the test's choosing, the header changed: still signed by the current key.
        odd = issuer.mint(claims, kid="unknown-kid", header_overrides={"typ": None, "x": 1})
        self.assertEqual(json.loads(b64url_decode(odd.split(".")[0])),
                         {"alg": "RS256", "kid": "unknown-kid", "x": 1})
        self.assertTrue(self.openssl_verifies(odd, issuer.key("RS256").jwk))


if __name__ == "__main__":
    unittest.main()
