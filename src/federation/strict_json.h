// JSON as an identity token or a key set must be read: one value, no object naming a member
// twice, and nesting no deeper than a bound. RFC 7515 §4 lets a JWS parser refuse duplicate
// member names; refusing them leaves no doubt about which of two "sub" or "aud" a check read
// (nlohmann would silently keep the last). The depth bound keeps every later walk of the value
// (comparisons, dumps, copies — recursive in nlohmann) shallow whatever the input.
// Pure function; thread-safe; never throws for any input.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace gatehouse::federation {

// The JSON value of `text` (UTF-8, nothing but whitespace around it); nullopt when `text` is not
// JSON, names a member twice in one object, or nests arrays and objects more than `max_depth`
// deep (a scalar is depth 0, `{}` and `[]` depth 1).
std::optional<nlohmann::json> ParseStrictJson(std::string_view text, int max_depth);

}  // namespace gatehouse::federation
