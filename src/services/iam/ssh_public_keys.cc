// iam: UploadSSHPublicKey, GetSSHPublicKey, ListSSHPublicKeys, UpdateSSHPublicKey,
// DeleteSSHPublicKey. A user's SSH public keys (CodeCommit's), kept whatever their encoding as
// their wire form (core/ssh_public_key.h) and answered in either encoding.
#include <algorithm>

#include "core/ids.h"
#include "core/ssh_public_key.h"
#include "core/time_format.h"
#include "services/iam/credential_ids.h"
#include "services/iam/handler_table.h"
#include "services/iam/pagination.h"
#include "services/iam/record_operations.h"
#include "services/iam/user_credentials.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

constexpr size_t kSshPublicKeysPerUser = 5;

Status NoSuchKey(std::string_view id) {
  return Status(ErrorCode::kNoSuchEntity,
                "The Public Key with id " + std::string(id) + " cannot be found.");
}

Result<SshPublicKeyParts> PartsOf(const model::SshPublicKey& key) {
  std::optional<std::string> wire = Base64Decode(key.wire_key);
  if (!wire) return NoSuchKey(key.id);
  return SshPublicKeyParts{key.algorithm, *wire};
}

json MetadataJson(const model::SshPublicKey& key) {
  return {{"UserName", key.user_name},
          {"SSHPublicKeyId", key.id},
          {"Status", key.status},
          {"UploadDate", FormatIsoTime(key.uploaded_ms)}};
}

Result<json> KeyJson(const model::SshPublicKey& key, bool pem) {
  ASSIGN_OR_RETURN(SshPublicKeyParts parts, PartsOf(key));
  json out = MetadataJson(key);
  out["Fingerprint"] = key.fingerprint;
  if (pem) {
    ASSIGN_OR_RETURN(out["SSHPublicKeyBody"], SshPublicKeyPem(parts));
  } else {
    out["SSHPublicKeyBody"] = SshPublicKeyLine(parts);
  }
  return out;
}

// The user's key the input names.
Result<std::shared_ptr<const model::SshPublicKey>> InputKey(const IamContext& iam,
                                                            const OperationContext& c) {
  ASSIGN_OR_RETURN(auto user, FindNamedUser(iam, c, c.input.at("UserName")));
  const std::string id = c.input.at("SSHPublicKeyId");
  auto key = FindUserCredential<model::SshPublicKey>(iam.state.directory(), *user, id);
  if (key == nullptr) return NoSuchKey(id);
  return key;
}

Status TooManyKeys() {
  return Status(ErrorCode::kLimitExceeded, "Cannot exceed quota for SSHPublicKeysPerUser: " +
                                               std::to_string(kSshPublicKeysPerUser));
}

Status Duplicate() {
  return Status(ErrorCode::kDuplicateSshPublicKey,
                "The SSH public key is already associated with the specified IAM user.");
}

Result<json> UploadKey(IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(auto user, FindNamedUser(iam, c, c.input.at("UserName")));
  ASSIGN_OR_RETURN(SshPublicKeyParts parts,
                   ParseSshPublicKey(c.input.at("SSHPublicKeyBody").get<std::string>()));
  model::SshPublicKey key{.account_id = user->account_id,
                          .user_name = user->name,
                          .id = "APKA" + RandomString(iam.random, kBase32IdAlphabet, 16),
                          .algorithm = parts.algorithm,
                          .wire_key = Base64Encode(parts.wire),
                          .fingerprint = SshPublicKeyMd5Fingerprint(parts.wire),
                          .uploaded_ms = iam.now_ms()};
  const std::string prefix = UserCredentialPrefix(user->account_id, user->name);
  auto existing = iam.state.directory().Scan<model::SshPublicKey>(prefix);
  for (const auto& other : existing) {
    if (other->wire_key == key.wire_key) return Duplicate();
  }
  if (existing.size() >= kSshPublicKeysPerUser) return TooManyKeys();
  // The quota and the uniqueness hold against concurrent uploads too: a conflict is retried,
  // and the retry sees the other key.
  RETURN_IF_ERROR(iam.state.Commit(
      {.writes = {store::Put<model::SshPublicKey>{key, /*create=*/true}},
       .preconditions = {
           store::UserUnchanged(*user),
           store::ExpectFewer<model::SshPublicKey>{
               prefix, static_cast<int64_t>(kSshPublicKeysPerUser), "", ""},
           store::NoneUnder<model::SshPublicKey>(prefix, "fingerprint", key.fingerprint)}}));
  ASSIGN_OR_RETURN(json out, KeyJson(key, /*pem=*/false));
  return json{{"SSHPublicKey", std::move(out)}};
}

Result<json> GetKey(IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(auto key, InputKey(iam, c));
  ASSIGN_OR_RETURN(json out, KeyJson(*key, c.input.at("Encoding") == "PEM"));
  return json{{"SSHPublicKey", std::move(out)}};
}

// Without UserName: the calling IAM user's keys; the root user has none.
Result<json> ListKeys(IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(std::string name, TargetUserName(c));
  json out;
  json list = json::array();
  if (!name.empty()) {
    ASSIGN_OR_RETURN(auto user, FindNamedUser(iam, c, name));
    const std::string prefix = UserCredentialPrefix(user->account_id, user->name);
    for (const auto& key : ScanPage<model::SshPublicKey>(
             iam.state.directory(), prefix, ReadPage(c.input), [](const auto&) { return true; },
             out)) {
      list.push_back(MetadataJson(*key));
    }
  } else {
    FinishPage(out, false, "");
  }
  out["SSHPublicKeys"] = std::move(list);
  return out;
}

Result<json> UpdateKey(IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(auto key, InputKey(iam, c));
  ASSIGN_OR_RETURN(std::string status, InputCredentialStatus(c));
  return UpdateRecord(iam, *key, [&](model::SshPublicKey& k) {
    k.status = status;
    return Status::Ok();
  });
}

Result<json> DeleteKey(IamContext& iam, const OperationContext& c) {
  ASSIGN_OR_RETURN(auto key, InputKey(iam, c));
  return EraseRecord(iam, *key);
}

}  // namespace

void RegisterSshPublicKeyOperations(Dispatcher& d, IamContext& iam) {
  static constexpr std::pair<const char*, IamHandler> kHandlers[] = {
      {"UploadSSHPublicKey", UploadKey}, {"GetSSHPublicKey", GetKey},
      {"ListSSHPublicKeys", ListKeys},   {"UpdateSSHPublicKey", UpdateKey},
      {"DeleteSSHPublicKey", DeleteKey},
  };
  RegisterHandlers(d, iam, kHandlers);
}

}  // namespace gatehouse::services::iam
