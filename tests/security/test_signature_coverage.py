"""The signature covers exactly the request: its body, every parameter, and one decoding of the
query for signing and routing. Each test is a way a captured or presigned request was turned
into another one."""
import hashlib
import unittest

from gatehouse_fixture import GatehouseTestCase
from raw_sigv4 import presign, send, sign, canonical_query

FORM = "application/x-www-form-urlencoded; charset=utf-8"
CALLER_IDENTITY = [("Action", "GetCallerIdentity"), ("Version", "2011-06-15")]
SESSION_TOKEN_BODY = b"Action=GetSessionToken&Version=2011-06-15"


class SignatureCoverageTest(GatehouseTestCase):
    def host(self):
        return "127.0.0.1:%d" % self.port

    def assert_error(self, status_body, status, code):
        got_status, body = status_body
        self.assertNotIn("<Credentials>", body)
        self.assertNotIn("SessionToken", body)
        self.assertEqual(got_status, status, body)
        self.assertIn("<Code>%s</Code>" % code, body)

    def test_presigned_url_with_a_body_does_not_become_get_session_token(self):
        target = presign("GET", "/", dict(CALLER_IDENTITY), self.host(), self.admin_key, "sts")
        # The URL works as it is.
        status, body = send(self.port, "GET", target, {"Host": self.host()})
        self.assertEqual(status, 200, body)
        self.assertIn("GetCallerIdentityResult", body)
        # With a body and a payload header naming that body, it must not mint credentials.
        headers = {"Host": self.host(), "Content-Type": FORM,
                   "X-Amz-Content-Sha256": hashlib.sha256(SESSION_TOKEN_BODY).hexdigest()}
        for method in ("GET", "POST"):
            self.assert_error(send(self.port, method, target, headers, SESSION_TOKEN_BODY),
                              400, "InvalidQueryParameter")

    def test_header_signed_request_replayed_with_another_body_is_refused(self):
        body = b"Action=GetCallerIdentity&Version=2011-06-15"
        headers = {"Host": self.host(), "Content-Type": FORM,
                   "X-Amz-Content-Sha256": hashlib.sha256(body).hexdigest()}
        target, signed = sign("POST", "/", [], headers, body, self.admin_key, "sts")
        status, text = send(self.port, "POST", target, signed, body)
        self.assertEqual(status, 200, text)
        self.assertIn("GetCallerIdentityResult", text)
        # The same signed headers (payload hash included) with another body.
        self.assert_error(send(self.port, "POST", target, signed, SESSION_TOKEN_BODY),
                          403, "SignatureDoesNotMatch")

    def test_unsigned_payload_is_refused(self):
        headers = {"Host": self.host(), "Content-Type": FORM,
                   "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD"}
        target, signed = sign("POST", "/", [], headers, SESSION_TOKEN_BODY, self.admin_key, "sts",
                              payload_hash="UNSIGNED-PAYLOAD")
        self.assert_error(send(self.port, "POST", target, signed, SESSION_TOKEN_BODY),
                          403, "SignatureDoesNotMatch")

    def test_payload_header_outside_the_signature_is_refused(self):
        body = b"Action=GetCallerIdentity&Version=2011-06-15"
        target, signed = sign("POST", "/", [], {"Host": self.host(), "Content-Type": FORM},
                              body, self.admin_key, "sts")
        signed["X-Amz-Content-Sha256"] = hashlib.sha256(body).hexdigest()
        self.assert_error(send(self.port, "POST", target, signed, body),
                          400, "IncompleteSignature")

    def test_get_never_reads_a_form_body(self):
        # A header-signed GET whose query asks for the caller's identity: the (signed) form body
        # naming another action is not read.
        headers = {"Host": self.host(), "Content-Type": FORM}
        target, signed = sign("GET", "/", CALLER_IDENTITY, headers, SESSION_TOKEN_BODY,
                              self.admin_key, "sts")
        status, body = send(self.port, "GET", target, signed, SESSION_TOKEN_BODY)
        self.assertEqual(status, 200, body)
        self.assertIn("GetCallerIdentityResult", body)
        self.assertNotIn("SessionToken", body)

    def test_a_parameter_given_twice_is_refused(self):
        body = b"Action=GetCallerIdentity&Version=2011-06-15"
        query = [("Action", "GetSessionToken")]
        headers = {"Host": self.host(), "Content-Type": FORM}
        target, signed = sign("POST", "/", query, headers, body, self.admin_key, "sts")
        self.assert_error(send(self.port, "POST", target, signed, body),
                          400, "InvalidQueryParameter")
        # Twice in the query string alone.
        params = CALLER_IDENTITY + [("Action", "GetSessionToken")]
        target, signed = sign("GET", "/", params, {"Host": self.host()}, b"", self.admin_key,
                              "sts")
        self.assert_error(send(self.port, "GET", target, signed), 400, "InvalidQueryParameter")

    def test_plus_decodes_the_same_for_signing_and_routing(self):
        # A '+' on the wire is a space to routing; it must be a space to the signature too, or
        # a value could be signed as one thing and read as another.
        sent = "Action=GetCallerIdentity&Version=2011-06-15&Note=a+b"
        as_space = CALLER_IDENTITY + [("Note", "a b")]
        target, signed = sign("GET", "/", as_space, {"Host": self.host()}, b"", self.admin_key,
                              "sts", raw_query=sent)
        status, body = send(self.port, "GET", target, signed)
        self.assertEqual(status, 200, body)
        as_plus = CALLER_IDENTITY + [("Note", "a+b")]
        target, signed = sign("GET", "/", as_plus, {"Host": self.host()}, b"", self.admin_key,
                              "sts", raw_query=sent)
        self.assert_error(send(self.port, "GET", target, signed), 403, "SignatureDoesNotMatch")


if __name__ == "__main__":
    unittest.main()
