#include "services/sts/authorization_message.h"

#include <nlohmann/json.hpp>

#include "auth/session_token.h"
#include "core/arn.h"

namespace gatehouse::services::sts {
namespace {

using nlohmann::json;

constexpr uint8_t kVersion = 0x41;  // distinct from session tokens' first byte
constexpr char kAad[] = "authorization-message";

// The associated data of a message about a principal of `account`.
std::string BoundTo(std::string_view account) {
  return std::string(kAad) + ":" + std::string(account);
}

std::string PrincipalAccount(const authz::AuthzRequest& r) {
  std::optional<ArnView> arn = ArnView::Parse(r.principal_arn);
  return arn ? std::string(arn->account) : "";
}

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
  return json{{"allowed", allowed},
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
  return auth::SealUnderRingKey(kVersion, key->first, key->second,
                                Decoded(request, evaluation).dump(),
                                BoundTo(PrincipalAccount(request)), random.Bytes(12));
}

Result<std::string> DecodeAuthorizationMessage(std::string_view encoded, const SessionKeyRing& keys,
                                               std::string_view caller_account) {
  std::optional<std::string> plain = auth::OpenUnderRingKey(
      kVersion, encoded, BoundTo(caller_account), [&keys](uint32_t id) { return keys.Find(id); });
  if (!plain) {
    return Status(ErrorCode::kInvalidAuthorizationMessage,
                  "The encoded authorization message is invalid.");
  }
  return *std::move(plain);
}

}  // namespace gatehouse::services::sts
