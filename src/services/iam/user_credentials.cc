#include "services/iam/user_credentials.h"

namespace gatehouse::services::iam {

Result<std::shared_ptr<const model::User>> FindNamedUser(const IamContext& iam,
                                                         const OperationContext& c,
                                                         const std::string& name) {
  auto user = iam.state.directory().FindUser(c.caller.account_id, name);
  if (user == nullptr) return NoSuchUser(name);
  return user;
}

Result<std::shared_ptr<const model::User>> InputUser(const IamContext& iam,
                                                     const OperationContext& c) {
  ASSIGN_OR_RETURN(std::string name, TargetUserName(c));
  if (name.empty()) {
    return Status(ErrorCode::kValidationError,
                  "Must specify userName when calling with non-User credentials");
  }
  return FindNamedUser(iam, c, name);
}

Result<std::string> InputCredentialStatus(const OperationContext& c) {
  std::string status = c.input.at("Status");
  if (status != model::kCredentialActive && status != model::kCredentialInactive) {
    return Status(ErrorCode::kValidationError,
                  "1 validation error detected: Value '" + status +
                      "' at 'status' failed to satisfy constraint: Member must satisfy enum "
                      "value set: [Active, Inactive]");
  }
  return status;
}

void MoveAllUserCredentials(const store::Directory& dir, const std::string& account,
                            const std::string& from, const std::string& to,
                            store::WriteBatch& batch) {
  MoveUserCredentials<model::SshPublicKey>(dir, account, from, to, batch);
  MoveUserCredentials<model::SigningCertificate>(dir, account, from, to, batch);
  MoveUserCredentials<model::ServiceSpecificCredential>(dir, account, from, to, batch);
}

std::string UserCredentialLeft(const store::Directory& dir, const model::User& user) {
  const std::string prefix = UserCredentialPrefix(user.account_id, user.name);
  if (!dir.Scan<model::SigningCertificate>(prefix, "", 1).empty()) {
    return "delete signing certificates";
  }
  if (!dir.Scan<model::SshPublicKey>(prefix, "", 1).empty()) return "delete SSH public keys";
  if (!dir.Scan<model::ServiceSpecificCredential>(prefix, "", 1).empty()) {
    return "delete service-specific credentials";
  }
  return "";
}

void AppendNoUserCredentials(const model::User& user, store::WriteBatch& batch) {
  const std::string prefix = UserCredentialPrefix(user.account_id, user.name);
  batch.preconditions.push_back(store::NoneUnder<model::SshPublicKey>(prefix));
  batch.preconditions.push_back(store::NoneUnder<model::SigningCertificate>(prefix));
  batch.preconditions.push_back(store::NoneUnder<model::ServiceSpecificCredential>(prefix));
}

}  // namespace gatehouse::services::iam
