// iam: CreateServiceSpecificCredential, ListServiceSpecificCredentials,
// ResetServiceSpecificCredential, UpdateServiceSpecificCredential,
// DeleteServiceSpecificCredential. A user name and password for CodeCommit or Keyspaces, or an
// API key for Bedrock or CloudWatch Logs, of at most two per user and service. The secret is
// answered once, at creation or reset; the store keeps a salted hash of it (the secret is 32
// random bytes, so a fast hash resists guessing as well as a slow one would).
#include <algorithm>

#include "core/crypto.h"
#include "core/ids.h"
#include "core/time_format.h"
#include "services/iam/credential_ids.h"
#include "services/iam/handler_table.h"
#include "services/iam/pagination.h"
#include "services/iam/record_operations.h"
#include "services/iam/user_credentials.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

constexpr size_t kCredentialsPerUserAndService = 2;
constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;
constexpr size_t kSecretBytes = 32;
constexpr size_t kSaltBytes = 16;
constexpr std::string_view kAliasAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

// The services IAM makes credentials for: a user name and password, or an API key whose alias
// starts with `api_key_label`.
struct ServiceKind {
  std::string_view service;
  std::string_view api_key_label;  // "": a user name and password
};
constexpr ServiceKind kServices[] = {
    {"codecommit.amazonaws.com", ""},
    {"cassandra.amazonaws.com", ""},
    {"bedrock.amazonaws.com", "BedrockAPIKey"},
    {"logs.amazonaws.com", "CloudWatchLogsAPIKey"},
};

const ServiceKind* FindService(std::string_view name) {
  for (const ServiceKind& kind : kServices) {
    if (kind.service == name) return &kind;
  }
  return nullptr;
}

Status NoSuchCredential(std::string_view id) {
  return Status(ErrorCode::kNoSuchEntity, "No such credential " + std::string(id) + " exists");
}

std::string HashSecret(Random& random, std::string_view secret) {
  const std::string salt = random.Bytes(kSaltBytes);
  return HexEncode(salt + std::string(AsBytes(Sha256(salt + std::string(secret)))));
}

std::string StatusAt(const model::ServiceSpecificCredential& cred, int64_t now_ms) {
  if (cred.expires_ms > 0 && now_ms >= cred.expires_ms) return "Expired";
  return cred.status;
}

json MetadataJson(const model::ServiceSpecificCredential& cred, int64_t now_ms) {
  json out = {{"UserName", cred.user_name},
              {"Status", StatusAt(cred, now_ms)},
              {"CreateDate", FormatIsoTime(cred.created_ms)},
              {"ServiceSpecificCredentialId", cred.id},
              {"ServiceName", cred.service_name}};
  if (!cred.service_user_name.empty()) out["ServiceUserName"] = cred.service_user_name;
  if (!cred.alias.empty()) out["ServiceCredentialAlias"] = cred.alias;
  if (cred.expires_ms > 0) out["ExpirationDate"] = FormatIsoTime(cred.expires_ms);
  return out;
}

// `cred` with a new secret, and the answer that shows it this once.
json WithNewSecret(IamContext& iam, model::ServiceSpecificCredential& cred) {
  const std::string secret = Base64Encode(iam.random.Bytes(kSecretBytes));
  cred.secret_hash = HashSecret(iam.random, secret);
  json out = MetadataJson(cred, iam.now_ms());
  out[cred.alias.empty() ? "ServicePassword" : "ServiceCredentialSecret"] = secret;
  return out;
}

Result<int64_t> InputExpiry(const OperationContext& c, const ServiceKind& kind, int64_t now_ms) {
  auto days = c.input.find("CredentialAgeDays");
  if (days == c.input.end()) return int64_t{0};
  if (kind.api_key_label.empty()) {
    return Status(
        ErrorCode::kInvalidInput,
        "CredentialAgeDays is only valid for API keys, not for " + std::string(kind.service) + ".");
  }
  return now_ms + days->get<int64_t>() * kDayMs;
}

Result<json> CreateCredential(IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(auto user, FindNamedUser(iam, c, c.input.at("UserName")));
  const std::string service = c.input.at("ServiceName");
  const ServiceKind* kind = FindService(service);
  if (kind == nullptr) {
    return Status(ErrorCode::kNotSupportedService,
                  "No such service " + service + " is supported for Service-Specific Credentials");
  }
  model::ServiceSpecificCredential cred;
  cred.account_id = user->account_id;
  cred.user_name = user->name;
  cred.id = "ACCA" + RandomString(iam.random, kBase32IdAlphabet, 17);
  cred.service_name = service;
  cred.created_ms = iam.now_ms();
  ASSIGN_OR_RETURN(cred.expires_ms, InputExpiry(c, *kind, cred.created_ms));
  const std::string at_account = "-at-" + user->account_id;
  if (kind->api_key_label.empty()) {
    cred.service_user_name = user->name + at_account;
  } else {
    cred.alias = std::string(kind->api_key_label) + "-" +
                 RandomString(iam.random, kAliasAlphabet, 4) + at_account;
  }
  const std::string prefix = UserCredentialPrefix(user->account_id, user->name);
  const auto limit = static_cast<int64_t>(kCredentialsPerUserAndService);
  auto same_service = iam.state.directory().Scan<model::ServiceSpecificCredential>(prefix);
  if (std::count_if(same_service.begin(), same_service.end(),
                    [&](const auto& other) { return other->service_name == service; }) >= limit) {
    return Status(ErrorCode::kLimitExceeded,
                  "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: " +
                      std::to_string(limit));
  }
  json out = WithNewSecret(iam, cred);
  RETURN_IF_ERROR(iam.state.Commit(
      {.writes = {store::Put<model::ServiceSpecificCredential>{cred, /*create=*/true}},
       .preconditions = {store::UserUnchanged(*user),
                         store::ExpectFewer<model::ServiceSpecificCredential>{
                             prefix, limit, "service_name", service}}}));
  return json{{"ServiceSpecificCredential", std::move(out)}};
}

// The credential the input names, of the user it names (or the calling user).
Result<std::shared_ptr<const model::ServiceSpecificCredential>> InputCredential(
    const IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(auto user, InputUser(iam, c));
  const std::string id = c.input.at("ServiceSpecificCredentialId");
  auto cred =
      FindUserCredential<model::ServiceSpecificCredential>(iam.state.directory(), *user, id);
  if (cred == nullptr) return NoSuchCredential(id);
  return cred;
}

// Without UserName: the calling IAM user's (the root user has none); with AllUsers, every
// user's in the account.
Result<json> ListCredentials(IamContext& iam, const OperationContext& c) {
  std::string prefix = model::RecordKey({c.caller.account_id}) + "/";
  const bool all_users = c.input.value("AllUsers", false);
  if (all_users && c.input.contains("UserName")) {
    return Status(ErrorCode::kInvalidInput, "AllUsers cannot be specified together with UserName.");
  }
  if (!all_users) {
    ASSIGN_OR_RETURN(std::string name, TargetUserName(c));
    if (name.empty()) return json{{"ServiceSpecificCredentials", json::array()}};
    ASSIGN_OR_RETURN(auto user, FindNamedUser(iam, c, name));
    prefix = UserCredentialPrefix(user->account_id, user->name);
  }
  const std::string service = c.input.value("ServiceName", "");
  json out;
  json list = json::array();
  const int64_t now = iam.now_ms();
  for (const auto& cred : ScanPage<model::ServiceSpecificCredential>(
           iam.state.directory(), prefix, ReadPage(c.input),
           [&](const auto& cred) { return service.empty() || cred.service_name == service; },
           out)) {
    list.push_back(MetadataJson(*cred, now));
  }
  out["ServiceSpecificCredentials"] = std::move(list);
  return out;
}

Result<json> ResetCredential(IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(auto cred, InputCredential(iam, c));
  model::ServiceSpecificCredential reset = *cred;
  json out = WithNewSecret(iam, reset);
  RETURN_IF_ERROR(iam.state.Commit({.writes = {store::Put<model::ServiceSpecificCredential>{reset}},
                                    .preconditions = {store::Unchanged(*cred)}}));
  return json{{"ServiceSpecificCredential", std::move(out)}};
}

Result<json> UpdateCredential(IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(auto cred, InputCredential(iam, c));
  ASSIGN_OR_RETURN(std::string status, InputCredentialStatus(c));
  return UpdateRecord(iam, *cred, [&](model::ServiceSpecificCredential& updated) {
    updated.status = status;
    return Status::Ok();
  });
}

Result<json> DeleteCredential(IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(auto cred, InputCredential(iam, c));
  return EraseRecord(iam, *cred);
}

}  // namespace

void RegisterServiceCredentialOperations(Dispatcher& d, IamContext& iam) {
  static constexpr std::pair<const char*, IamHandler> kHandlers[] = {
      {"CreateServiceSpecificCredential", CreateCredential},
      {"ListServiceSpecificCredentials", ListCredentials},
      {"ResetServiceSpecificCredential", ResetCredential},
      {"UpdateServiceSpecificCredential", UpdateCredential},
      {"DeleteServiceSpecificCredential", DeleteCredential},
  };
  RegisterHandlers(d, iam, kHandlers);
}

}  // namespace gatehouse::services::iam
