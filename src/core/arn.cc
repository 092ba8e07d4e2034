#include "core/arn.h"

#include "core/strings.h"

namespace gatehouse {

std::optional<ArnView> ArnView::Parse(std::string_view text) {
  if (!StartsWith(text, "arn:")) return std::nullopt;
  std::string_view parts[5];
  size_t pos = 0;
  for (int i = 0; i < 5; ++i) {
    size_t colon = text.find(':', pos);
    if (colon == std::string_view::npos) return std::nullopt;
    parts[i] = text.substr(pos, colon - pos);
    pos = colon + 1;
  }
  return ArnView{parts[1], parts[2], parts[3], parts[4], text.substr(pos)};
}

std::string_view ArnView::ResourceName() const {
  size_t slash = resource.rfind('/');
  return slash == std::string_view::npos ? resource : resource.substr(slash + 1);
}

std::string_view ArnView::ResourceType() const {
  size_t slash = resource.find('/');
  return slash == std::string_view::npos ? resource : resource.substr(0, slash);
}

bool IsAccountId(std::string_view s) { return s.size() == 12 && IsAsciiDigits(s); }

}  // namespace gatehouse
