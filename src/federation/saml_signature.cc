#include "federation/saml_signature.h"

#include <libxml/parser.h>
#include <libxml/valid.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>

#include <climits>
#include <memory>
#include <mutex>
#include <span>

#include "federation/saml_errors.h"
#include "federation/saml_xml.h"

namespace gatehouse::federation {
namespace {

constexpr char kExcC14nNs[] = "http://www.w3.org/2001/10/xml-exc-c14n#";

// An algorithm the verifier accepts: its URI in the document and xmlsec's transform for it.
// (xmlsec's transform ids are function calls, hence the function pointers.)
struct Algorithm {
  const char* uri;
  xmlSecTransformId (*transform)();
};

// The one list of each kind of algorithm a SAML signature may use.
constexpr Algorithm kCanonicalizations[] = {
    {"http://www.w3.org/2001/10/xml-exc-c14n#", [] { return xmlSecTransformExclC14NId; }},
    {"http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
     [] { return xmlSecTransformExclC14NWithCommentsId; }},
};
constexpr Algorithm kReferenceTransforms[] = {
    {"http://www.w3.org/2000/09/xmldsig#enveloped-signature",
     [] { return xmlSecTransformEnvelopedId; }},
    {"http://www.w3.org/2001/10/xml-exc-c14n#", [] { return xmlSecTransformExclC14NId; }},
    {"http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
     [] { return xmlSecTransformExclC14NWithCommentsId; }},
};
constexpr Algorithm kSignatureMethods[] = {
    {"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
     [] { return xmlSecTransformRsaSha256Id; }},
    {"http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
     [] { return xmlSecTransformRsaSha384Id; }},
    {"http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
     [] { return xmlSecTransformRsaSha512Id; }},
    {"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
     [] { return xmlSecTransformEcdsaSha256Id; }},
    {"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
     [] { return xmlSecTransformEcdsaSha384Id; }},
    {"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
     [] { return xmlSecTransformEcdsaSha512Id; }},
};
constexpr Algorithm kDigestMethods[] = {
    {"http://www.w3.org/2001/04/xmlenc#sha256", [] { return xmlSecTransformSha256Id; }},
    {"http://www.w3.org/2001/04/xmldsig-more#sha384", [] { return xmlSecTransformSha384Id; }},
    {"http://www.w3.org/2001/04/xmlenc#sha512", [] { return xmlSecTransformSha512Id; }},
};

// How many transforms a Reference may list: SAML signs with enveloped-signature and one
// canonicalization.
constexpr size_t kMaxTransforms = 2;

// xmlsec reports through this callback; a refused signature is an answer, not a log line.
void DiscardXmlSecError(const char*, int, const char*, const char*, const char*, int, const char*) {
}

bool Accepted(const xmlNode* node, std::span<const Algorithm> algorithms) {
  std::optional<std::string> uri = AttributeValue(node, "Algorithm");
  if (!uri) return false;
  for (const Algorithm& a : algorithms) {
    if (*uri == a.uri) return true;
  }
  return false;
}

// Whether `node` has no element children, or only one ec:InclusiveNamespaces (the prefix list
// of exclusive canonicalization).
bool AtMostInclusiveNamespaces(const xmlNode* node) {
  std::vector<xmlNode*> children = AllChildElements(node);
  return children.empty() ||
         (children.size() == 1 && IsElement(children[0], kExcC14nNs, "InclusiveNamespaces"));
}

bool IsDsig(const xmlNode* node, const char* name) { return IsElement(node, kXmlDsigNs, name); }

// ds:Transforms: one or two accepted transforms.
bool TransformsAccepted(const xmlNode* transforms) {
  std::vector<xmlNode*> children = AllChildElements(transforms);
  if (children.empty() || children.size() > kMaxTransforms) return false;
  for (const xmlNode* t : children) {
    if (!IsDsig(t, "Transform") || !Accepted(t, kReferenceTransforms) ||
        !AtMostInclusiveNamespaces(t)) {
      return false;
    }
  }
  return true;
}

// ds:Reference: URI "#id", then optional Transforms, DigestMethod, DigestValue.
bool ReferenceAccepted(const xmlNode* reference, const std::string& id) {
  if (AttributeValue(reference, "URI") != "#" + id) return false;
  std::vector<xmlNode*> children = AllChildElements(reference);
  size_t at = 0;
  if (at < children.size() && IsDsig(children[at], "Transforms")) {
    if (!TransformsAccepted(children[at])) return false;
    ++at;
  }
  if (children.size() != at + 2) return false;
  const xmlNode* digest = children[at];
  return IsDsig(digest, "DigestMethod") && Accepted(digest, kDigestMethods) &&
         AllChildElements(digest).empty() && IsDsig(children[at + 1], "DigestValue");
}

// ds:SignedInfo: CanonicalizationMethod, SignatureMethod and exactly one Reference.
bool SignedInfoAccepted(const xmlNode* signed_info, const std::string& id) {
  std::vector<xmlNode*> children = AllChildElements(signed_info);
  if (children.size() != 3) return false;
  const xmlNode* c14n = children[0];
  const xmlNode* method = children[1];
  return IsDsig(c14n, "CanonicalizationMethod") && Accepted(c14n, kCanonicalizations) &&
         AtMostInclusiveNamespaces(c14n) && IsDsig(method, "SignatureMethod") &&
         Accepted(method, kSignatureMethods) && AllChildElements(method).empty() &&
         IsDsig(children[2], "Reference") && ReferenceAccepted(children[2], id);
}

// Whether `id` is a name xmlsec can resolve safely: it builds the XPointer "id('<id>')" from
// it, so only the characters of an NCName's usual ASCII subset are allowed.
bool SafeId(const std::string& id) {
  if (id.empty() || id.size() > 256) return false;
  auto name_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  };
  char first = id[0];
  if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') || first == '_')) {
    return false;
  }
  for (char c : id) {
    if (!name_char(c)) return false;
  }
  return true;
}

// The shape check of the header comment: Signature = SignedInfo, SignatureValue, optional
// KeyInfo; the parent's ID safe and registered as the document's ID for the parent.
bool ShapeAccepted(xmlDoc* doc, const xmlNode* signature) {
  if (!IsDsig(signature, "Signature")) return false;
  const xmlNode* parent = signature->parent;
  if (parent == nullptr || parent->type != XML_ELEMENT_NODE) return false;
  std::optional<std::string> id = AttributeValue(parent, "ID");
  if (!id || !SafeId(*id)) return false;
  xmlAttr* registered = xmlGetID(doc, BAD_CAST id->c_str());
  if (registered == nullptr || registered->parent != parent) return false;
  std::vector<xmlNode*> children = AllChildElements(signature);
  if (children.size() < 2 || children.size() > 3) return false;
  if (children.size() == 3 && !IsDsig(children[2], "KeyInfo")) return false;
  return IsDsig(children[0], "SignedInfo") && SignedInfoAccepted(children[0], *id) &&
         IsDsig(children[1], "SignatureValue");
}

struct XmlSecKeyFree {
  void operator()(xmlSecKey* key) const { xmlSecKeyDestroy(key); }
};
using XmlSecKeyPtr = std::unique_ptr<xmlSecKey, XmlSecKeyFree>;

struct DSigCtxFree {
  void operator()(xmlSecDSigCtx* ctx) const { xmlSecDSigCtxDestroy(ctx); }
};
using DSigCtxPtr = std::unique_ptr<xmlSecDSigCtx, DSigCtxFree>;

// An xmlsec key holding the public key of the DER certificate `der`; null when it is not one.
XmlSecKeyPtr KeyOfCertificate(const std::string& der) {
  if (der.empty() || der.size() > static_cast<size_t>(LONG_MAX)) return nullptr;
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<X509, void (*)(X509*)> cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())),
                                              X509_free);
  if (!cert) return nullptr;
  EVP_PKEY* public_key = X509_get_pubkey(cert.get());  // a new reference
  if (public_key == nullptr) return nullptr;
  xmlSecKeyDataPtr data = xmlSecOpenSSLEvpKeyAdopt(public_key);
  if (data == nullptr) {
    EVP_PKEY_free(public_key);
    return nullptr;
  }
  XmlSecKeyPtr key(xmlSecKeyCreate());
  if (!key || xmlSecKeySetValue(key.get(), data) < 0) {
    xmlSecKeyDataDestroy(data);
    return nullptr;
  }
  return key;
}

// Holds `ctx` to the accepted algorithms, same-document references and no manifests.
bool Restrict(xmlSecDSigCtx* ctx) {
  ctx->enabledReferenceUris = xmlSecTransformUriTypeSameDocument;
  ctx->flags |= XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS;
  for (const Algorithm& a : kCanonicalizations) {
    if (xmlSecDSigCtxEnableSignatureTransform(ctx, a.transform()) < 0) return false;
  }
  for (const Algorithm& a : kSignatureMethods) {
    if (xmlSecDSigCtxEnableSignatureTransform(ctx, a.transform()) < 0) return false;
  }
  for (const Algorithm& a : kReferenceTransforms) {
    if (xmlSecDSigCtxEnableReferenceTransform(ctx, a.transform()) < 0) return false;
  }
  for (const Algorithm& a : kDigestMethods) {
    if (xmlSecDSigCtxEnableReferenceTransform(ctx, a.transform()) < 0) return false;
  }
  return true;
}

// Whether the public key of certificate `der` verifies `signature`.
bool VerifiesWith(xmlNode* signature, const std::string& der) {
  XmlSecKeyPtr key = KeyOfCertificate(der);
  if (!key) return false;
  DSigCtxPtr ctx(xmlSecDSigCtxCreate(nullptr));  // no keys manager: KeyInfo is never read
  if (!ctx || !Restrict(ctx.get())) return false;
  ctx->signKey = key.release();  // the context owns it now
  return xmlSecDSigCtxVerify(ctx.get(), signature) >= 0 && ctx->status == xmlSecDSigStatusSucceeded;
}

}  // namespace

Status InitXmlSec() {
  static std::once_flag once;
  static bool started = false;
  std::call_once(once, [] {
    xmlInitParser();
    started = xmlSecInit() >= 0 && xmlSecCheckVersion() == 1 && xmlSecCryptoAppInit(nullptr) >= 0 &&
              xmlSecCryptoInit() >= 0;
    xmlSecErrorsSetCallback(DiscardXmlSecError);
  });
  if (!started) return Status(ErrorCode::kInternalFailure, "The XML signature library failed.");
  return Status::Ok();
}

Status VerifyEnvelopedSignature(xmlDoc* doc, xmlNode* signature,
                                const std::vector<std::string>& certificates) {
  RETURN_IF_ERROR(InitXmlSec());
  if (!ShapeAccepted(doc, signature)) return SamlSignatureInvalid();
  bool verified = false;
  for (const std::string& der : certificates) {
    if (VerifiesWith(signature, der)) {
      verified = true;
      break;
    }
  }
  // A failed verification leaves OpenSSL's reasons on this thread's error queue.
  ERR_clear_error();
  if (!verified) return SamlSignatureInvalid();
  return Status::Ok();
}

}  // namespace gatehouse::federation
