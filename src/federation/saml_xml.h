// libxml2 documents as the SAML verifier reads them, and the few readers it needs.
// ParseSamlXml reads no DTD, substitutes no entity and fetches nothing; it refuses a document
// with a DOCTYPE (so no entity can be declared at all) and one nested deeper than a SAML message
// ever is. The readers never stop at the first text node: a comment or a CDATA section inside a
// value cannot cut it short. Internal to federation/; thread-safe (each document is its own).
#pragma once

#include <libxml/tree.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace gatehouse::federation {

// Namespaces of SAML 2.0 and XML Signature.
inline constexpr char kSamlProtocolNs[] = "urn:oasis:names:tc:SAML:2.0:protocol";
inline constexpr char kSamlAssertionNs[] = "urn:oasis:names:tc:SAML:2.0:assertion";
inline constexpr char kXmlDsigNs[] = "http://www.w3.org/2000/09/xmldsig#";

// How deep elements may nest. A SAML response with a signed assertion is about ten deep.
inline constexpr int kMaxSamlXmlDepth = 32;

struct XmlDocFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using XmlDocPtr = std::unique_ptr<xmlDoc, XmlDocFree>;

// The document of `xml`, or InvalidIdentityToken when it is not well-formed, has a DOCTYPE or
// nests elements deeper than kMaxSamlXmlDepth.
Result<XmlDocPtr> ParseSamlXml(std::string_view xml);

// Calls visit(element, depth) for `root` (depth 1) and every element below it, in document order,
// without recursion.
template <typename Visit>
void ForEachElement(xmlNode* root, Visit visit) {
  xmlNode* node = root;
  int depth = 1;
  while (node != nullptr) {
    visit(node, depth);
    xmlNode* child = node->children;
    while (child != nullptr && child->type != XML_ELEMENT_NODE) child = child->next;
    if (child != nullptr) {
      node = child;
      ++depth;
      continue;
    }
    // No element child: the next element sibling of this node or of its nearest ancestor.
    while (node != nullptr && node != root) {
      xmlNode* next = node->next;
      while (next != nullptr && next->type != XML_ELEMENT_NODE) next = next->next;
      if (next != nullptr) {
        node = next;
        break;
      }
      node = node->parent;
      --depth;
    }
    if (node == root) return;
  }
}

// Whether `node` is the element `ns`:`name`.
bool IsElement(const xmlNode* node, const char* ns, const char* name);

// The child elements of `parent` that are `ns`:`name`, in document order.
std::vector<xmlNode*> ChildElements(const xmlNode* parent, const char* ns, const char* name);

// The element children of `parent`, whatever their names.
std::vector<xmlNode*> AllChildElements(const xmlNode* parent);

// The value of the attribute `name` without a namespace; nullopt when absent.
std::optional<std::string> AttributeValue(const xmlNode* node, const char* name);

// All the text of `node`: every text and CDATA node below it, joined in document order
// (comments and processing instructions contribute nothing).
std::string TextContent(const xmlNode* node);

}  // namespace gatehouse::federation
