// iam: EnableOutboundWebIdentityFederation, DisableOutboundWebIdentityFederation and
// GetOutboundWebIdentityFederationInfo — the account's switch for STS GetWebIdentityToken, and
// its token issuer (services/outbound_issuer.h). The first enabling makes the issuer and its
// keys; disabling keeps them, so that the tokens issued before still verify and enabling again
// gives the same issuer URL.
#include "services/iam/handler_table.h"
#include "services/iam/iam_context.h"
#include "services/outbound_issuer.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

std::shared_ptr<const model::OutboundFederation> FindIssuer(const IamContext& iam,
                                                            const std::string& account) {
  return iam.state.directory().Get<model::OutboundFederation>(model::RecordKey({account}));
}

std::string IssuerUrlOf(const IamContext& iam, const model::OutboundFederation& issuer) {
  return OutboundIssuerUrl(iam.base_url ? iam.base_url() : "", issuer.issuer_id);
}

store::Expect<model::OutboundFederation> IssuerRead(
    const std::shared_ptr<const model::OutboundFederation>& read, const std::string& account) {
  return read ? store::Unchanged(*read)
              : store::Absent<model::OutboundFederation>(model::RecordKey({account}));
}

Result<json> Enable(IamContext& iam, const OperationContext& c) {
  const std::string& account = c.caller.account_id;
  auto existing = FindIssuer(iam, account);
  if (existing && existing->enabled) {
    return Status(ErrorCode::kFeatureEnabled,
                  "Outbound identity federation is already enabled for this account.");
  }
  model::OutboundFederation issuer;
  if (existing) {
    issuer = *existing;
    issuer.enabled = true;
  } else {
    Result<model::OutboundFederation> made =
        NewOutboundFederation(account, iam.master_key, iam.random, iam.now_ms());
    if (!made.ok()) return made.status();
    issuer = std::move(made).value();
  }
  RETURN_IF_ERROR(iam.state.Commit({.writes = {store::Put<model::OutboundFederation>{issuer}},
                                    .preconditions = {IssuerRead(existing, account)}}));
  return json{{"IssuerIdentifier", IssuerUrlOf(iam, issuer)}};
}

Result<json> Disable(IamContext& iam, const OperationContext& c) {
  const std::string& account = c.caller.account_id;
  auto existing = FindIssuer(iam, account);
  if (!existing || !existing->enabled) {
    return Status(ErrorCode::kFeatureDisabled,
                  "Outbound identity federation is already disabled for this account.");
  }
  model::OutboundFederation issuer = *existing;
  issuer.enabled = false;
  RETURN_IF_ERROR(iam.state.Commit({.writes = {store::Put<model::OutboundFederation>{issuer}},
                                    .preconditions = {IssuerRead(existing, account)}}));
  return json::object();
}

// An account that never enabled the feature has no issuer to tell of; one that disabled it
// still has its issuer, reported as not vending tokens.
Result<json> GetInfo(IamContext& iam, const OperationContext& c) {
  auto issuer = FindIssuer(iam, c.caller.account_id);
  if (!issuer) {
    return Status(ErrorCode::kFeatureDisabled,
                  "Outbound identity federation is not enabled for this account.");
  }
  return json{{"IssuerIdentifier", IssuerUrlOf(iam, *issuer)},
              {"JwtVendingEnabled", issuer->enabled}};
}

}  // namespace

void RegisterOutboundFederationOperations(Dispatcher& d, IamContext& iam) {
  static constexpr std::pair<const char*, IamHandler> kHandlers[] = {
      {"EnableOutboundWebIdentityFederation", Enable},
      {"DisableOutboundWebIdentityFederation", Disable},
      {"GetOutboundWebIdentityFederationInfo", GetInfo},
  };
  RegisterHandlers(d, iam, kHandlers);
}

}  // namespace gatehouse::services::iam
