// The size of a policy document as AWS counts it against its quotas (6,144 characters for a
// managed policy, 2,048 for a user's inline policies, …). AWS does not count whitespace outside
// string values; the whitespace inside strings is part of the policy.
#pragma once

#include <cstddef>
#include <string_view>

namespace gatehouse::policy {

enum class SizeRule {
  kAllCharacters,     // every character counts
  kIgnoreWhitespace,  // whitespace between JSON tokens does not count
};

size_t PolicySize(std::string_view text, SizeRule rule);

}  // namespace gatehouse::policy
