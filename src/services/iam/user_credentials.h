// What the operations on a user's own credentials share (SSH public keys, signing certificates,
// service-specific credentials; model/user_credential_entities.h): the user a request names,
// one credential of it by id, its status, and the writes that move a user's credentials when it
// is renamed or that keep a user from being deleted while it has some.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "model/user_credential_entities.h"
#include "services/iam/iam_context.h"
#include "store/directory.h"

namespace gatehouse::services::iam {

// "account/user/": the prefix under which a user's credentials of one kind are kept.
inline std::string UserCredentialPrefix(std::string_view account, std::string_view user) {
  return model::RecordKey({account, user}) + "/";
}

// The user `name` of the caller's account, as stored; NoSuchEntity in AWS's words otherwise.
Result<std::shared_ptr<const model::User>> FindNamedUser(const IamContext& iam,
                                                         const OperationContext& c,
                                                         const std::string& name);

// The user the request's UserName names (the caller, when it names none and is an IAM user).
Result<std::shared_ptr<const model::User>> InputUser(const IamContext& iam,
                                                     const OperationContext& c);

// The input Status ("Active" or "Inactive"); ValidationError for "Expired", which IAM sets
// itself and no caller may.
Result<std::string> InputCredentialStatus(const OperationContext& c);

// The credential of kind T of user `user_name` ("" for the root user) of `account` whose id is
// `id` (ids compared exactly), or null.
template <typename T>
std::shared_ptr<const T> FindUserCredential(const store::Directory& dir, std::string_view account,
                                            std::string_view user_name, std::string_view id) {
  auto found = dir.Get<T>(model::RecordKey({account, user_name, id}));
  if (found == nullptr || found->id != id) return nullptr;
  return found;
}
template <typename T>
std::shared_ptr<const T> FindUserCredential(const store::Directory& dir, const model::User& user,
                                            std::string_view id) {
  return FindUserCredential<T>(dir, user.account_id, user.name, id);
}

// The writes that move every credential of kind T from user `from` to `to`, with the
// preconditions that they are all there is, as read.
template <typename T>
void MoveUserCredentials(const store::Directory& dir, const std::string& account,
                         const std::string& from, const std::string& to, store::WriteBatch& batch) {
  const std::string prefix = UserCredentialPrefix(account, from);
  auto read = dir.Scan<T>(prefix);
  store::AppendSameRange(read, prefix, batch.preconditions);
  for (const auto& credential : read) {
    T moved = *credential;
    moved.user_name = to;
    batch.writes.push_back(store::Erase<T>::Of(*credential));
    batch.writes.push_back(store::Put<T>{moved});
  }
}

// Every credential kind above moved, as UpdateUser does when it renames a user.
void MoveAllUserCredentials(const store::Directory& dir, const std::string& account,
                            const std::string& from, const std::string& to,
                            store::WriteBatch& batch);

// DeleteConflict's "must … first" for the first kind of credential `user` still has, or "".
std::string UserCredentialLeft(const store::Directory& dir, const model::User& user);

// The preconditions that `user` has no credential of any kind above.
void AppendNoUserCredentials(const model::User& user, store::WriteBatch& batch);

}  // namespace gatehouse::services::iam
