"""XML signature wrapping and its relatives against AssumeRoleWithSAML on a real server: an
unsigned assertion placed beside the signed one, a subject changed after signing, a response
signed by a key the provider's metadata does not hold, and a DOCTYPE with an external entity.
Each is refused with InvalidIdentityToken and no credentials."""
from saml_idp import SamlIdp, encode
from test_saml_federation import SamlTestCase


class SamlWrappingTest(SamlTestCase):
    """Signature wrapping and friends against the server, beyond the verifier's unit tests."""

    def test_an_unsigned_assertion_beside_a_signed_response_element(self):
        signed = self.idp.response_xml([self.pair], session_name="honest")
        evil = self.idp.assertion_xml([self.pair], session_name="evil", subject="admin")
        # Put an unsigned assertion first; the signed one stays where it was.
        wrapped = signed.replace("<samlp:Status>", evil + "<samlp:Status>", 1)
        self.refused(encode(wrapped), "InvalidIdentityToken")

    def test_the_subject_changed_after_signing(self):
        signed = self.idp.response_xml([self.pair], subject="user@example.com")
        self.refused(encode(signed.replace("user@example.com", "admin@example.com")),
                     "InvalidIdentityToken")

    def test_signed_by_another_key(self):
        other = SamlIdp()
        try:
            self.refused(other.response([self.pair]), "InvalidIdentityToken")
        finally:
            other.close()

    def test_a_doctype_is_refused(self):
        signed = self.idp.response_xml([self.pair])
        doc = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + signed
        self.refused(encode(doc), "InvalidIdentityToken")
