// A hash for unordered maps keyed by std::string that are looked up by std::string_view (with
// std::equal_to<>), so that finding a key never copies it. Header-only; thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gatehouse {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// An unordered map from strings, looked up by string_view.
template <typename Value>
using StringMap = std::unordered_map<std::string, Value, StringHash, std::equal_to<>>;

}  // namespace gatehouse
