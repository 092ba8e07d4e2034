#include "auth/session_token.h"

#include <nlohmann/json.hpp>

#include "core/crypto.h"

namespace gatehouse::auth {
namespace {

using nlohmann::json;

constexpr uint8_t kVersion = 1;
constexpr size_t kHeaderSize = 5;  // version, key id (big-endian)
// Far above any real blob (a token with a 2,048-character policy and 50 tags), far below abuse.
constexpr size_t kMaxTokenSize = 64 * 1024;

json ToJson(const SessionClaims& c) {
  json tags = json::array();
  for (const auto& [k, v] : c.tags) tags.push_back({k, v});
  json out{{"k", static_cast<int>(c.kind)},
           {"a", c.account_id},
           {"p", c.principal_arn},
           {"u", c.user_id},
           {"s", c.secret},
           {"src", c.source_arn},
           {"rid", c.role_id},
           {"hsp", c.has_session_policy},
           {"sp", c.session_policy},
           {"spa", c.session_policy_arns},
           {"t", tags},
           {"tt", c.transitive_tag_keys},
           {"si", c.source_identity},
           {"m", c.mfa},
           {"mt", c.mfa_time_ms},
           {"i", c.issued_ms},
           {"e", c.expires_ms}};
  if (c.default_regions_only) out["g1"] = true;  // absent from version 2 tokens
  return out;
}

std::optional<SessionClaims> FromJson(const json& j) {
  try {
    SessionClaims c;
    int kind = j.at("k").get<int>();
    if (kind < 0 || kind > static_cast<int>(SessionKind::kRootSession)) return std::nullopt;
    c.kind = static_cast<SessionKind>(kind);
    c.account_id = j.at("a").get<std::string>();
    c.principal_arn = j.at("p").get<std::string>();
    c.user_id = j.at("u").get<std::string>();
    c.secret = j.at("s").get<std::string>();
    c.source_arn = j.at("src").get<std::string>();
    c.role_id = j.at("rid").get<std::string>();
    c.has_session_policy = j.at("hsp").get<bool>();
    c.session_policy = j.at("sp").get<std::string>();
    c.session_policy_arns = j.at("spa").get<std::vector<std::string>>();
    for (const auto& t : j.at("t"))
      c.tags.emplace_back(t.at(0).get<std::string>(), t.at(1).get<std::string>());
    c.transitive_tag_keys = j.at("tt").get<std::vector<std::string>>();
    c.source_identity = j.at("si").get<std::string>();
    c.mfa = j.at("m").get<bool>();
    c.mfa_time_ms = j.at("mt").get<int64_t>();
    c.issued_ms = j.at("i").get<int64_t>();
    c.expires_ms = j.at("e").get<int64_t>();
    c.default_regions_only = j.value("g1", false);
    return c;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::string SealUnderRingKey(uint8_t version, uint32_t key_id, std::string_view key,
                             std::string_view plaintext, std::string_view aad,
                             std::string_view nonce12) {
  std::string header(kHeaderSize, '\0');
  header[0] = static_cast<char>(version);
  for (int i = 0; i < 4; ++i) header[1 + i] = static_cast<char>((key_id >> (24 - 8 * i)) & 0xff);
  std::string sealed = Seal(key, plaintext, header + std::string(aad), nonce12);
  return Base64Encode(header + sealed);
}

std::optional<std::string> OpenUnderRingKey(uint8_t version, std::string_view text,
                                            std::string_view aad,
                                            const SessionKeyLookup& find_key) {
  if (text.size() > kMaxTokenSize) return std::nullopt;
  std::optional<std::string> bytes = Base64Decode(text);
  if (!bytes || bytes->size() < kHeaderSize + kSealOverhead ||
      static_cast<uint8_t>((*bytes)[0]) != version) {
    return std::nullopt;
  }
  uint32_t key_id = 0;
  for (int i = 0; i < 4; ++i) key_id = (key_id << 8) | static_cast<uint8_t>((*bytes)[1 + i]);
  std::optional<std::string> key = find_key(key_id);
  if (!key) return std::nullopt;
  return Open(*key, std::string_view(*bytes).substr(kHeaderSize),
              bytes->substr(0, kHeaderSize) + std::string(aad));
}

std::string SealSessionToken(const SessionClaims& claims, uint32_t key_id, std::string_view key,
                             std::string_view nonce12) {
  return SealUnderRingKey(kVersion, key_id, key, ToJson(claims).dump(), claims.access_key_id,
                          nonce12);
}

Result<SessionClaims> OpenSessionToken(std::string_view token, std::string_view access_key_id,
                                       const SessionKeyLookup& find_key) {
  const Status invalid(ErrorCode::kInvalidClientTokenId, kInvalidTokenMessage);
  std::optional<std::string> plain = OpenUnderRingKey(kVersion, token, access_key_id, find_key);
  if (!plain) return invalid;
  json j = json::parse(*plain, nullptr, /*allow_exceptions=*/false);
  std::optional<SessionClaims> claims = FromJson(j);
  if (!claims) return invalid;
  claims->access_key_id = std::string(access_key_id);
  return *std::move(claims);
}

}  // namespace gatehouse::auth
