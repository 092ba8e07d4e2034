// Verification of one enveloped XML Signature of a SAML message — the Response's or the
// Assertion's — with the identity provider's certificates, through xmlsec (OpenSSL).
//
// Before any cryptography the signature must have the only shape SAML gives it (SAML 2.0 core
// §5.4): one SignedInfo with exclusive canonicalization, an RSA or ECDSA signature method over
// SHA-256/384/512, exactly one Reference whose URI is "#" + the ID of the element that holds the
// Signature as a direct child, only the enveloped-signature and exclusive canonicalization
// transforms, a SHA-256/384/512 digest, and no ds:Object. xmlsec is then held to the same lists
// and to same-document references, so that nothing is fetched and no other transform (XSLT,
// XPath) runs. The key is only ever one of the given certificates' public keys: the signature's
// KeyInfo, and any certificate in it, is ignored.
//
// Thread-safe: the libraries are initialized once (InitXmlSec), and each verification uses its
// own xmlsec context and key.
#pragma once

#include <libxml/tree.h>

#include <string>
#include <vector>

#include "core/status.h"

namespace gatehouse::federation {

// Initializes libxml2 and xmlsec with its OpenSSL backend once per process; later calls return
// the first call's outcome (InternalFailure when xmlsec could not start).
Status InitXmlSec();

// OK when `signature` (a ds:Signature element) has the shape above and one of `certificates`
// (DER X.509) verifies it over its parent element. The caller must have registered the parent's
// ID attribute as the document's XML ID (xmlAddID); that registration is checked again here.
// InvalidIdentityToken with kSamlSignatureInvalid otherwise.
Status VerifyEnvelopedSignature(xmlDoc* doc, xmlNode* signature,
                                const std::vector<std::string>& certificates);

}  // namespace gatehouse::federation
