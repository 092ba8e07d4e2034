#include "policy/size.h"

namespace gatehouse::policy {

size_t PolicySize(std::string_view text, SizeRule rule) {
  if (rule == SizeRule::kAllCharacters) return text.size();
  size_t size = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      ++size;
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (c == '"') in_string = true;
    ++size;
  }
  return size;
}

}  // namespace gatehouse::policy
