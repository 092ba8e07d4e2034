#include "services/sts/authorization_message.h"

#include <nlohmann/json.hpp>

#include "core/crypto.h"

namespace gatehouse::services::sts {
namespace {

using nlohmann::json;

constexpr uint8_t kVersion = 0x41;  // distinct from session tokens' first byte
constexpr size_t kHeaderSize = 5;
constexpr char kAad[] = "authorization-message";

json Items(json list) { return json{{"items", std::move(list)}}; }

json Decoded(const authz::AuthzRequest& r, const authz::Evaluation& e) {
  json matched = json::array();
  for (const policy::MatchedStatement& m : e.explanation.matched) {
    matched.push_back({{"statementId", m.sid},
                       {"effect", m.effect == policy::Effect::kAllow ? "Allow" : "Deny"},
                       {"policy", m.policy},
                       {"policyType", std::string(policy::LayerName(m.layer))},
                       {"statementIndex", m.statement}});
  }
  json conditions = json::array();
  for (const auto& [key, values] : r.context) {
    json items = json::array();
    for (const std::string& v : values) items.push_back({{"value", v}});
    conditions.push_back({{"key", key}, {"values", Items(std::move(items))}});
  }
  const bool allowed = e.decision == policy::Decision::kAllow;
  return json{
      {"allowed", allowed},
      {"explicitDeny", e.decision == policy::Decision::kExplicitDeny},
      {"matchedStatements", Items(std::move(matched))},
      {"failures", Items(json::array())},
      {"context",
       {{"principal", {{"id", r.user_id}, {"arn", r.principal_arn}}},
        {"action", r.action},
        {"resource", r.resource},
        {"conditions", Items(std::move(conditions))}}}};
}

}  // namespace

Result<std::string> EncodeAuthorizationMessage(const authz::AuthzRequest& request,
                                               const authz::Evaluation& evaluation,
                                               SessionKeyRing& keys, Random& random,
                                               int64_t now_ms) {
  Result<std::pair<uint32_t, std::string>> key = keys.Current(now_ms);
  if (!key.ok()) return key.status();
  std::string header(kHeaderSize, '\0');
  header[0] = static_cast<char>(kVersion);
  for (int i = 0; i < 4; ++i) header[1 + i] = static_cast<char>((key->first >> (24 - 8 * i)) & 0xff);
  std::string sealed = Seal(key->second, Decoded(request, evaluation).dump(),
                            header + kAad, random.Bytes(12));
  return Base64Encode(header + sealed);
}

Result<std::string> DecodeAuthorizationMessage(std::string_view encoded,
                                               const SessionKeyRing& keys) {
  const Status invalid(ErrorCode::kInvalidAuthorizationMessage,
                       "The encoded authorization message is invalid.");
  std::optional<std::string> bytes = Base64Decode(encoded);
  if (!bytes || bytes->size() < kHeaderSize + kSealOverhead ||
      static_cast<uint8_t>((*bytes)[0]) != kVersion) {
    return invalid;
  }
  uint32_t key_id = 0;
  for (int i = 0; i < 4; ++i) key_id = (key_id << 8) | static_cast<uint8_t>((*bytes)[1 + i]);
  std::optional<std::string> key = keys.Find(key_id);
  if (!key) return invalid;
  std::optional<std::string> plain = Open(*key, std::string_view(*bytes).substr(kHeaderSize),
                                          bytes->substr(0, kHeaderSize) + kAad);
  if (!plain) return invalid;
  return *std::move(plain);
}

}  // namespace gatehouse::services::sts
