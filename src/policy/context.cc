#include "policy/context.h"

#include <algorithm>

#include "core/strings.h"

namespace gatehouse::policy {
namespace {

template <typename Entries>
auto LowerBound(Entries& entries, std::string_view key) {
  return std::lower_bound(entries.begin(), entries.end(), key,
                          [](const auto& entry, std::string_view k) { return entry.first < k; });
}

}  // namespace

void ContextKeys::Set(std::string_view key, Values values) {
  std::string lower = AsciiLower(key);
  auto it = LowerBound(entries_, lower);
  if (it != entries_.end() && it->first == lower) {
    it->second = std::move(values);
  } else {
    entries_.insert(it, {std::move(lower), std::move(values)});
  }
}

void ContextKeys::SetDefault(std::string_view key, Values values) {
  if (Find(AsciiLower(key)) == nullptr) Set(key, std::move(values));
}

const ContextKeys::Values* ContextKeys::Find(std::string_view lower_key) const {
  auto it = LowerBound(entries_, lower_key);
  if (it == entries_.end() || it->first != lower_key) return nullptr;
  return &it->second;
}

std::optional<std::string_view> ContextKeys::Single(std::string_view lower_key) const {
  const Values* values = Find(lower_key);
  if (values == nullptr || values->size() != 1) return std::nullopt;
  return std::string_view((*values)[0]);
}

}  // namespace gatehouse::policy
