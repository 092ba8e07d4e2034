#include "policy/arn_pattern.h"

namespace gatehouse::policy {

ArnPattern ArnPattern::Compile(std::string_view text, Options options) {
  constexpr int kFieldsBeforeResource = 5;
  ArnPattern p;
  p.pattern_ = Pattern::Compile(text, {.wildcards = false});  // sizes the buffers
  p.pattern_.Clear();
  size_t pos = 0;
  for (int field = 0;; ++field) {
    size_t colon = field < kFieldsBeforeResource ? text.find(':', pos) : std::string_view::npos;
    bool last = colon == std::string_view::npos;
    bool variables = options.variables &&
                     (!options.variables_only_in_resource_part || field == kFieldsBeforeResource);
    std::string_view part = last ? text.substr(pos) : text.substr(pos, colon - pos);
    // The last field stands for the rest of the ARN: its wildcards may span ':'.
    p.pattern_.Append(part, {.wildcards = true, .variables = variables, .bounded = !last});
    if (last) break;
    p.pattern_.Append(":", {.wildcards = false});
    pos = colon + 1;
  }
  return p;
}

}  // namespace gatehouse::policy
