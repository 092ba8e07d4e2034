#include "policy/arn_pattern.h"

#include <array>

namespace gatehouse::policy {
namespace {

constexpr size_t kArnFields = 6;

// Splits at the first five colons; returns the number of fields found (at most six).
size_t SplitFields(std::string_view text, std::array<std::string_view, kArnFields>& fields,
                   std::array<size_t, kArnFields>& starts) {
  size_t count = 0;
  size_t pos = 0;
  while (count < kArnFields - 1) {
    size_t colon = text.find(':', pos);
    if (colon == std::string_view::npos) break;
    starts[count] = pos;
    fields[count++] = text.substr(pos, colon - pos);
    pos = colon + 1;
  }
  starts[count] = pos;
  fields[count++] = text.substr(pos);
  return count;
}

}  // namespace

ArnPattern ArnPattern::Compile(std::string_view text, Options options) {
  ArnPattern p;
  if (text == "*") {
    p.match_all_ = true;
    return p;
  }
  std::array<std::string_view, kArnFields> fields;
  std::array<size_t, kArnFields> starts;
  size_t count = SplitFields(text, fields, starts);
  for (size_t i = 0; i < count; ++i) {
    bool last = i + 1 == count;
    bool variables = options.variables &&
                     (!options.variables_only_in_resource_part || i == kArnFields - 1);
    // A short pattern's last field stands for the rest of the ARN, colons included.
    std::string_view field = last ? text.substr(starts[i]) : fields[i];
    p.fields_.push_back(Pattern::Compile(field, {.wildcards = true, .variables = variables}));
  }
  return p;
}

bool ArnPattern::Matches(std::string_view arn, const ContextKeys* context) const {
  if (match_all_) return true;
  std::array<std::string_view, kArnFields> fields;
  std::array<size_t, kArnFields> starts;
  size_t count = SplitFields(arn, fields, starts);
  if (count < fields_.size()) return false;
  for (size_t i = 0; i < fields_.size(); ++i) {
    bool last = i + 1 == fields_.size();
    std::string_view subject = last ? arn.substr(starts[i]) : fields[i];
    if (!fields_[i].Matches(subject, context)) return false;
  }
  return true;
}

std::string_view ArnPattern::service() const {
  if (fields_.size() < 3) return {};
  auto lit = fields_[2].literal();
  return lit ? *lit : std::string_view();
}

}  // namespace gatehouse::policy
