// Pagination markers as clients see them. A list handler pages by a plain sort key (a name, a
// record key); the client gets it sealed into an opaque token — base64 of a version byte, the
// key and the first four bytes of the key's SHA-256 — and must hand it back unchanged. A token
// the server never issued (garbage, a truncated or edited one) is refused as AWS refuses it:
// IAM's Marker with ValidationError "Invalid Marker.", Organizations' NextToken with
// InvalidInputException INVALID_NEXT_TOKEN, CloudTrail's with InvalidNextTokenException. The check
// detects accidents, not attacks: a position in a list the caller may read grants nothing. Pure
// functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace gatehouse::services {

inline constexpr char kInvalidNextTokenMessage[] =
    "A token that is not valid, or a token that was previously used in a request with different "
    "parameters.";

std::string SealPageMarker(std::string_view key);
// The key `token` seals; nullopt when it is not such a token.
std::optional<std::string> OpenPageMarker(std::string_view token);

// The input with its Marker or NextToken (the one `service` pages with) replaced by the key it
// seals; nullopt when the input has none (use it as it is); the service's error when the token
// seals none.
Result<std::optional<nlohmann::json>> OpenInputMarker(std::string_view service,
                                                      const nlohmann::json& input);
// Replaces the output's Marker or NextToken by its sealed token.
void SealOutputMarker(std::string_view service, nlohmann::json& output);

}  // namespace gatehouse::services
