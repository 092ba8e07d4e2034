"""A test SAML 2.0 identity provider, for STS AssumeRoleWithSAML and the console's SAML sign-in.

    idp = SamlIdp()                      # its own RSA key and self-signed certificate
    iam.create_saml_provider(Name="Corp", SAMLMetadataDocument=idp.metadata())
    assertion = idp.response(roles=[(role_arn, provider_arn)], session_name="alice")
    sts.assume_role_with_saml(RoleArn=role_arn, PrincipalArn=provider_arn,
                              SAMLAssertion=assertion)

Responses are built from a template and signed with the `xmlsec1` command (enveloped
signature, exclusive C14N, RSA-SHA256), on the Assertion by default or on the Response.
`response_xml` gives the signed document before base64, for tests that tamper with it (the
wrapping attacks); `encode` turns a document into what AssumeRoleWithSAML takes.

Needs only the standard library, the `openssl` command and the `xmlsec1` command.
"""
import base64
import datetime
import os
import secrets
import subprocess
import tempfile
from xml.sax.saxutils import escape, quoteattr

SIGNIN = "https://signin.aws.amazon.com/saml"
ATTRIBUTES = "https://aws.amazon.com/SAML/Attributes/"
PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"


def _run(*args, data=None):
    p = subprocess.run(list(args), input=data, capture_output=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError("%s failed: %s" % (" ".join(args[:2]), p.stderr.decode().strip()))
    return p.stdout


def _time(offset_seconds):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset_seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def encode(xml):
    """What AssumeRoleWithSAML's SAMLAssertion holds: the base64 of the whole response."""
    return base64.b64encode(xml.encode() if isinstance(xml, str) else xml).decode()


SIGNATURE_TEMPLATE = (
    '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>'
    '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
    '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>'
    '<ds:Reference URI="#%s"><ds:Transforms>'
    '<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>'
    '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>'
    '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>'
    '<ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo>'
    '<ds:SignatureValue></ds:SignatureValue></ds:Signature>')


class SamlIdp:
    def __init__(self, entity_id="https://idp.example.com/saml", key_dir=None):
        """A new key and certificate, or those kept in `key_dir` (made there the first time)."""
        self.entity_id = entity_id
        self.dir = tempfile.TemporaryDirectory()
        keys = key_dir or self.dir.name
        self.key_file = os.path.join(keys, "idp.key")
        self.cert_file = os.path.join(keys, "idp.pem")
        if not os.path.exists(self.cert_file):
            _run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                 self.key_file, "-out", self.cert_file, "-days", "3650", "-subj",
                 "/CN=idp.example.com")
        with open(self.cert_file) as f:
            self.certificate = "".join(line for line in f.read().splitlines()
                                       if "CERTIFICATE" not in line)

    def close(self):
        self.dir.cleanup()

    def register(self, iam, name="Corp"):
        """Registers this IdP as IAM SAML provider `name` with `iam` (a boto3 client); its ARN."""
        return iam.create_saml_provider(
            Name=name, SAMLMetadataDocument=self.metadata())["SAMLProviderArn"]

    def metadata(self):
        """The IdP's metadata document, at least the 1,000 characters IAM requires."""
        doc = ('<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
               'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID=%s>'
               '<md:IDPSSODescriptor protocolSupportEnumeration='
               '"urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing">'
               '<ds:KeyInfo><ds:X509Data><ds:X509Certificate>%s</ds:X509Certificate>'
               '</ds:X509Data></ds:KeyInfo></md:KeyDescriptor>'
               '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
               'Location="https://idp.example.com/sso"/></md:IDPSSODescriptor>'
               '</md:EntityDescriptor>' % (quoteattr(self.entity_id), self.certificate))
        return doc + " " * max(0, 1000 - len(doc))

    def assertion_xml(self, roles, session_name="alice", subject="alice@example.com",
                      attributes=None, audience=SIGNIN, recipient=SIGNIN, lifetime=300,
                      assertion_id=None, issuer=None, session_not_on_or_after=None):
        """An unsigned saml:Assertion naming `roles` ([(role_arn, provider_arn)]) and the
        other AWS attributes ({name: [values]}, names relative to AWS's prefix or full);
        session_not_on_or_after: the AuthnStatement's SessionNotOnOrAfter, seconds from now."""
        aid = assertion_id or "_a" + secrets.token_hex(16)
        values = {"Role": ["%s,%s" % pair for pair in roles]}
        if session_name is not None:
            values["RoleSessionName"] = [session_name]
        values.update(attributes or {})
        statements = "".join(
            '<saml:Attribute Name=%s>%s</saml:Attribute>' % (
                quoteattr(name if name.startswith("http") else ATTRIBUTES + name),
                "".join("<saml:AttributeValue>%s</saml:AttributeValue>" % escape(v)
                        for v in vals))
            for name, vals in values.items())
        return (
            '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="%s" '
            'Version="2.0" IssueInstant="%s"><saml:Issuer>%s</saml:Issuer>'
            '<saml:Subject><saml:NameID Format="%s">%s</saml:NameID>'
            '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
            '<saml:SubjectConfirmationData NotOnOrAfter="%s" Recipient=%s/>'
            '</saml:SubjectConfirmation></saml:Subject>'
            '<saml:Conditions NotBefore="%s" NotOnOrAfter="%s"><saml:AudienceRestriction>'
            '<saml:Audience>%s</saml:Audience></saml:AudienceRestriction></saml:Conditions>'
            '<saml:AuthnStatement AuthnInstant="%s"%s><saml:AuthnContext>'
            '<saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:'
            'PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>'
            '</saml:AuthnStatement><saml:AttributeStatement>%s</saml:AttributeStatement>'
            '</saml:Assertion>' % (
                aid, _time(0), escape(issuer or self.entity_id), PERSISTENT, escape(subject),
                _time(lifetime), quoteattr(recipient), _time(-60), _time(lifetime),
                escape(audience), _time(0),
                "" if session_not_on_or_after is None else
                ' SessionNotOnOrAfter="%s"' % _time(session_not_on_or_after), statements))

    def response_xml(self, roles, sign="assertion", **kwargs):
        """A samlp:Response holding assertion_xml(roles, **kwargs), signed by this IdP on the
        assertion ("assertion"), the response ("response"), or not at all (None)."""
        rid = "_r" + secrets.token_hex(16)
        assertion = self.assertion_xml(roles, **kwargs)
        aid = assertion.split('ID="', 1)[1].split('"', 1)[0]
        if sign == "assertion":
            # The signature goes after the assertion's Issuer, as the schema orders it.
            head, tail = assertion.split("</saml:Issuer>", 1)
            assertion = head + "</saml:Issuer>" + SIGNATURE_TEMPLATE % aid + tail
        issuer = ('<saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">%s'
                  '</saml:Issuer>' % escape(self.entity_id))
        signature = SIGNATURE_TEMPLATE % rid if sign == "response" else ""
        doc = ('<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="%s" '
               'Version="2.0" IssueInstant="%s" Destination="%s">%s%s<samlp:Status>'
               '<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>'
               '</samlp:Status>%s</samlp:Response>' % (
                   rid, _time(0), SIGNIN, issuer, signature, assertion))
        return self.sign(doc) if sign else doc

    def sign(self, xml, key_file=None):
        """`xml` with its signature templates filled in by xmlsec1 (IDs: Response, Assertion)."""
        path = os.path.join(self.dir.name, "unsigned-%s.xml" % secrets.token_hex(4))
        with open(path, "w") as f:
            f.write(xml)
        try:
            return _run("xmlsec1", "--sign", "--privkey-pem", key_file or self.key_file,
                        "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:protocol:Response",
                        "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
                        path).decode()
        finally:
            os.unlink(path)

    def response(self, roles, **kwargs):
        """response_xml(...) as AssumeRoleWithSAML's SAMLAssertion."""
        return encode(self.response_xml(roles, **kwargs))


def main(argv):
    """For tests in other languages (the console's browser tests):
        saml_idp.py KEYDIR metadata
        saml_idp.py KEYDIR response SESSION-NAME ROLE-ARN,PROVIDER-ARN...
    prints the metadata document, or a signed response as SAMLResponse holds it."""
    idp = SamlIdp(key_dir=argv[1])
    try:
        if argv[2] == "metadata":
            print(idp.metadata())
        else:
            pairs = [tuple(pair.split(",", 1)) for pair in argv[4:]]
            print(idp.response(pairs, session_name=argv[3]))
    finally:
        idp.close()


if __name__ == "__main__":
    import sys
    main(sys.argv)
