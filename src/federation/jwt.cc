#include "federation/jwt.h"

#include <array>
#include <optional>
#include <utility>

#include "federation/base64url.h"
#include "federation/strict_json.h"

namespace gatehouse::federation {
namespace {

using nlohmann::json;

// AWS's answer for anything that is not a signed JWT.
constexpr std::string_view kNotAJwt =
    "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access "
    "Token)";
constexpr std::string_view kCriticalHeader =
    "The ID Token provided has critical header parameters (crit), which are not supported.";

Status NotAJwt() { return Status(ErrorCode::kInvalidIdentityToken, std::string(kNotAJwt)); }

// The three dot-separated parts of a compact JWS; nullopt for any other number of parts
// (a JWE has five).
std::optional<std::array<std::string_view, 3>> SplitCompact(std::string_view token) {
  size_t first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  if (token.find('.', second + 1) != std::string_view::npos) return std::nullopt;
  return std::array<std::string_view, 3>{token.substr(0, first),
                                         token.substr(first + 1, second - first - 1),
                                         token.substr(second + 1)};
}

// The JSON object a base64url part encodes.
std::optional<json> DecodeJsonObject(std::string_view part) {
  std::optional<std::string> text = Base64UrlDecode(part);
  if (!text) return std::nullopt;
  std::optional<json> value = ParseStrictJson(*text, kMaxJwtJsonDepth);
  if (!value || !value->is_object()) return std::nullopt;
  return value;
}

// Fills alg and kid from the header, or says why the header is refused.
Status ReadHeader(Jwt& jwt) {
  const json& header = jwt.header;
  if (header.contains("crit")) {
    return Status(ErrorCode::kInvalidIdentityToken, std::string(kCriticalHeader));
  }
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string()) return NotAJwt();
  jwt.alg = alg->get<std::string>();
  auto kid = header.find("kid");
  if (kid != header.end()) {
    if (!kid->is_string()) return NotAJwt();
    jwt.kid = kid->get<std::string>();
  }
  return Status::Ok();
}

}  // namespace

Result<Jwt> ParseJwt(std::string_view token) {
  if (token.size() > kMaxJwtSize) return NotAJwt();
  auto parts = SplitCompact(token);
  if (!parts) return NotAJwt();
  auto [header_part, payload_part, signature_part] = *parts;

  Jwt jwt;
  std::optional<json> header = DecodeJsonObject(header_part);
  if (!header) return NotAJwt();
  jwt.header = std::move(*header);
  RETURN_IF_ERROR(ReadHeader(jwt));

  std::optional<json> claims = DecodeJsonObject(payload_part);
  if (!claims) return NotAJwt();
  jwt.claims = std::move(*claims);

  std::optional<std::string> signature = Base64UrlDecode(signature_part);
  if (!signature) return NotAJwt();
  jwt.signature = std::move(*signature);
  jwt.signing_input = std::string(token.substr(0, header_part.size() + 1 + payload_part.size()));
  return jwt;
}

}  // namespace gatehouse::federation
