#include "federation/saml_xml.h"

#include <libxml/parser.h>

#include <algorithm>
#include <climits>
#include <mutex>

#include "federation/saml_errors.h"

namespace gatehouse::federation {
namespace {

std::string FromXmlString(xmlChar* value) {
  if (value == nullptr) return "";
  std::string out(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return out;
}

struct ParserCtxtFree {
  void operator()(xmlParserCtxt* ctxt) const { xmlFreeParserCtxt(ctxt); }
};
using ParserCtxtPtr = std::unique_ptr<xmlParserCtxt, ParserCtxtFree>;

// The SAX event of "<!DOCTYPE": stops the parser before it reads any declaration, and marks the
// document refused (through the context's _private, which parsing leaves alone).
void StopAtDoctype(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
  auto* ctxt = static_cast<xmlParserCtxt*>(ctx);
  ctxt->_private = ctxt;
  xmlStopParser(ctxt);
}

int MaxDepth(xmlNode* root) {
  int max_depth = 0;
  ForEachElement(root, [&](xmlNode*, int depth) { max_depth = std::max(max_depth, depth); });
  return max_depth;
}

}  // namespace

Result<XmlDocPtr> ParseSamlXml(std::string_view xml) {
  static std::once_flag init;
  std::call_once(init, [] { xmlInitParser(); });
  if (xml.size() > static_cast<size_t>(INT_MAX)) return SamlInvalid("the document is too large");
  // No network (NONET), no entity substitution (NOENT unset), no DTD loaded or defaulted
  // (DTDLOAD, DTDATTR unset), libxml2's own limits on depth and sizes kept (HUGE unset), and no
  // messages on stderr. Blanks are kept: the signature covers them.
  const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
  ParserCtxtPtr ctxt(xmlNewParserCtxt());
  if (!ctxt || ctxt->sax == nullptr) return SamlInvalid("the document cannot be read");
  ctxt->sax->internalSubset = StopAtDoctype;
  XmlDocPtr doc(xmlCtxtReadMemory(ctxt.get(), xml.data(), static_cast<int>(xml.size()), "saml.xml",
                                  nullptr, options));
  const bool doctype = ctxt->_private != nullptr;
  if (doctype || (doc && (doc->intSubset != nullptr || doc->extSubset != nullptr))) {
    return SamlInvalid("the document has a DOCTYPE");
  }
  if (!doc) return SamlInvalid("the document is not well-formed XML");
  xmlNode* root = xmlDocGetRootElement(doc.get());
  if (root == nullptr) return SamlInvalid("the document has no element");
  if (MaxDepth(root) > kMaxSamlXmlDepth) return SamlInvalid("the document nests too deep");
  return doc;
}

bool IsElement(const xmlNode* node, const char* ns, const char* name) {
  return node != nullptr && node->type == XML_ELEMENT_NODE && node->ns != nullptr &&
         xmlStrEqual(node->ns->href, BAD_CAST ns) && xmlStrEqual(node->name, BAD_CAST name);
}

std::vector<xmlNode*> ChildElements(const xmlNode* parent, const char* ns, const char* name) {
  std::vector<xmlNode*> out;
  for (xmlNode* c = parent->children; c != nullptr; c = c->next) {
    if (IsElement(c, ns, name)) out.push_back(c);
  }
  return out;
}

std::vector<xmlNode*> AllChildElements(const xmlNode* parent) {
  std::vector<xmlNode*> out;
  for (xmlNode* c = parent->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) out.push_back(c);
  }
  return out;
}

std::optional<std::string> AttributeValue(const xmlNode* node, const char* name) {
  if (xmlHasNsProp(node, BAD_CAST name, nullptr) == nullptr) return std::nullopt;
  return FromXmlString(xmlGetNoNsProp(node, BAD_CAST name));
}

std::string TextContent(const xmlNode* node) {
  std::string out;
  // Every text and CDATA node of the subtree, in document order, without recursion.
  const xmlNode* current = node->children;
  while (current != nullptr && current != node) {
    if ((current->type == XML_TEXT_NODE || current->type == XML_CDATA_SECTION_NODE) &&
        current->content != nullptr) {
      out += reinterpret_cast<const char*>(current->content);
    }
    if (current->type == XML_ELEMENT_NODE && current->children != nullptr) {
      current = current->children;
      continue;
    }
    while (current != node && current->next == nullptr) current = current->parent;
    if (current != node) current = current->next;
  }
  return out;
}

}  // namespace gatehouse::federation
