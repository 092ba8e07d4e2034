// ContextKeys: the condition keys of one request and their values. Key names are
// case-insensitive in IAM (tag keys in aws:PrincipalTag/K too), so keys are stored lowercased
// and looked up by lowercased name. Every key holds a list: single-valued keys hold one value,
// multivalued keys (aws:TagKeys …) any number, possibly none. Lookups allocate nothing.
// Not thread-safe for writes; concurrent const lookups are fine.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse::policy {

class ContextKeys {
 public:
  using Values = std::vector<std::string>;

  // Sets `key` (any case) to `values`, replacing what it held.
  void Set(std::string_view key, Values values);
  // Sets `key` only when the request did not already give it.
  void SetDefault(std::string_view key, Values values);

  // nullptr when the key is absent. `lower_key` must already be lowercase.
  const Values* Find(std::string_view lower_key) const;
  // The value of a single-valued key; nullopt when absent, empty or multivalued.
  std::optional<std::string_view> Single(std::string_view lower_key) const;

 private:
  std::vector<std::pair<std::string, Values>> entries_;  // sorted by lowercased key
};

}  // namespace gatehouse::policy
