#include "federation/saml_metadata.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/x509.h>

#include <memory>
#include <mutex>

#include "core/crypto.h"
#include "core/time_format.h"

namespace gatehouse::federation {
namespace {

constexpr char kMetadataNs[] = "urn:oasis:names:tc:SAML:2.0:metadata";
constexpr char kSignatureNs[] = "http://www.w3.org/2000/09/xmldsig#";

using XmlDoc = std::unique_ptr<xmlDoc, void (*)(xmlDoc*)>;

Status Bad() { return Status(ErrorCode::kInvalidInput, kBadSamlMetadata); }

bool Is(const xmlNode* node, const char* ns, const char* name) {
  return node != nullptr && node->type == XML_ELEMENT_NODE && node->ns != nullptr &&
         xmlStrEqual(node->ns->href, BAD_CAST ns) && xmlStrEqual(node->name, BAD_CAST name);
}

// The children of `parent` that are element `ns`:`name`.
std::vector<const xmlNode*> Children(const xmlNode* parent, const char* ns, const char* name) {
  std::vector<const xmlNode*> out;
  for (const xmlNode* c = parent->children; c != nullptr; c = c->next) {
    if (Is(c, ns, name)) out.push_back(c);
  }
  return out;
}

std::optional<std::string> Attribute(const xmlNode* node, const char* name) {
  xmlChar* value = xmlGetNoNsProp(node, BAD_CAST name);
  if (value == nullptr) return std::nullopt;
  std::string out(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return out;
}

std::string Text(const xmlNode* node) {
  xmlChar* value = xmlNodeGetContent(node);
  if (value == nullptr) return "";
  std::string out(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return out;
}

// The DER of an ds:X509Certificate's base64 text (whitespace allowed), if it is a certificate.
std::optional<std::string> Certificate(const xmlNode* node) {
  std::string text;
  for (char ch : Text(node)) {
    if (ch != ' ' && ch != '\n' && ch != '\r' && ch != '\t') text.push_back(ch);
  }
  std::optional<std::string> der = Base64Decode(text);
  if (!der || der->empty()) return std::nullopt;
  const auto* p = reinterpret_cast<const unsigned char*>(der->data());
  std::unique_ptr<X509, void (*)(X509*)> cert(d2i_X509(nullptr, &p, static_cast<long>(der->size())),
                                              X509_free);
  if (!cert) return std::nullopt;
  return der;
}

// The certificates of the KeyDescriptors meant for signing (use="signing", or no use at all).
Result<std::vector<std::string>> SigningCertificates(const xmlNode* idp) {
  std::vector<std::string> out;
  for (const xmlNode* key : Children(idp, kMetadataNs, "KeyDescriptor")) {
    std::optional<std::string> use = Attribute(key, "use");
    if (use && *use != "signing") continue;
    for (const xmlNode* info : Children(key, kSignatureNs, "KeyInfo")) {
      for (const xmlNode* data : Children(info, kSignatureNs, "X509Data")) {
        for (const xmlNode* cert : Children(data, kSignatureNs, "X509Certificate")) {
          std::optional<std::string> der = Certificate(cert);
          if (!der) return Bad();
          out.push_back(std::move(*der));
        }
      }
    }
  }
  if (out.empty()) return Bad();
  return out;
}

}  // namespace

Result<SamlMetadata> ParseSamlMetadata(std::string_view xml) {
  static std::once_flag init;
  std::call_once(init, [] { xmlInitParser(); });
  // No network, no entity expansion (XML_PARSE_NOENT unset), no DTD loading, no messages on
  // stderr; the size is bounded by the API's 10,000,000 characters.
  const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
  XmlDoc doc(
      xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "metadata.xml", nullptr, options),
      xmlFreeDoc);
  if (!doc || doc->intSubset != nullptr || doc->extSubset != nullptr) return Bad();
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!Is(root, kMetadataNs, "EntityDescriptor")) return Bad();
  SamlMetadata out;
  out.entity_id = Attribute(root, "entityID").value_or("");
  if (out.entity_id.empty()) return Bad();
  if (std::optional<std::string> until = Attribute(root, "validUntil")) {
    out.valid_until_ms = ParseIsoTime(*until);
    if (!out.valid_until_ms) return Bad();
  }
  std::vector<const xmlNode*> idps = Children(root, kMetadataNs, "IDPSSODescriptor");
  if (idps.empty()) return Bad();
  for (const xmlNode* idp : idps) {
    Result<std::vector<std::string>> certs = SigningCertificates(idp);
    if (!certs.ok()) return certs.status();
    for (std::string& c : *certs) out.signing_certificates.push_back(std::move(c));
  }
  return out;
}

}  // namespace gatehouse::federation
