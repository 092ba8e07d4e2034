#include "audit/canonical_json.h"

namespace gatehouse::audit {

std::string CanonicalJson(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void AppendJsonString(std::string& out, std::string_view text) {
  // At once when it is printable ASCII needing no escape, as nearly every value is.
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7F || c == '"' || c == '\\') {
      out += CanonicalJson(nlohmann::json(std::string(text)));
      return;
    }
  }
  out += '"';
  out += text;
  out += '"';
}

}  // namespace gatehouse::audit
