"""Checks a JWS compact token (RS256 or ES384) against a public JWK with the openssl command, so
that the server's signatures are verified by code other than its own.

    claims = verified_claims(token, jwks["keys"])   # raises AssertionError when none verifies

Needs only the standard library and the openssl command.
"""
import base64
import json
import os
import subprocess
import tempfile

_RSA_ENCRYPTION = bytes.fromhex("06092a864886f70d010101")  # 1.2.840.113549.1.1.1
_EC_PUBLIC_KEY = bytes.fromhex("06072a8648ce3d0201")       # 1.2.840.10045.2.1
_SECP384R1 = bytes.fromhex("06052b81040022")               # 1.3.132.0.34
_DIGESTS = {"RS256": "-sha256", "ES384": "-sha384"}


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _der(tag, body):
    n = len(body)
    if n < 0x80:
        length = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + body


def _der_integer(value):
    value = value.lstrip(b"\0") or b"\0"
    if value[0] & 0x80:
        value = b"\0" + value
    return _der(0x02, value)


def public_key_der(jwk):
    """The SubjectPublicKeyInfo of an RSA or P-384 JWK."""
    if jwk["kty"] == "RSA":
        key = _der(0x30, _der_integer(b64url_decode(jwk["n"])) +
                   _der_integer(b64url_decode(jwk["e"])))
        algorithm = _der(0x30, _RSA_ENCRYPTION + b"\x05\x00")
    else:
        assert jwk["kty"] == "EC" and jwk["crv"] == "P-384", jwk
        key = b"\x04" + b64url_decode(jwk["x"]) + b64url_decode(jwk["y"])
        algorithm = _der(0x30, _EC_PUBLIC_KEY + _SECP384R1)
    return _der(0x30, algorithm + _der(0x03, b"\0" + key))


def signature_verifies(token, jwk):
    header_b64, payload_b64, signature_b64 = token.split(".")
    alg = json.loads(b64url_decode(header_b64))["alg"]
    signature = b64url_decode(signature_b64)
    if alg == "ES384":
        assert len(signature) == 96, len(signature)
        signature = _der(0x30, _der_integer(signature[:48]) + _der_integer(signature[48:]))
    with tempfile.TemporaryDirectory() as d:
        paths = {name: os.path.join(d, name) for name in ("key.der", "sig", "input")}
        for name, data in (("key.der", public_key_der(jwk)), ("sig", signature),
                           ("input", (header_b64 + "." + payload_b64).encode())):
            with open(paths[name], "wb") as f:
                f.write(data)
        result = subprocess.run(
            ["openssl", "dgst", _DIGESTS[alg], "-verify", paths["key.der"], "-keyform", "DER",
             "-signature", paths["sig"], paths["input"]], capture_output=True)
        return result.returncode == 0


def verified_claims(token, keys):
    """The token's header and claims, once a key of `keys` whose kid and alg are the header's
    verifies its signature."""
    header = json.loads(b64url_decode(token.split(".")[0]))
    candidates = [k for k in keys if k["kid"] == header["kid"] and k["alg"] == header["alg"]]
    assert candidates, "no key %s/%s in the set" % (header["kid"], header["alg"])
    assert signature_verifies(token, candidates[0]), "the signature does not verify"
    return header, json.loads(b64url_decode(token.split(".")[1]))
