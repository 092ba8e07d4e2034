// Directory: the in-memory read model of everything in the store, so that authentication,
// authorization and reads never touch the database. Entities are immutable and shared as
// std::shared_ptr<const T>; a write replaces them. Thread-safe: many readers, one writer
// (State applies committed batches in commit order).
#pragma once

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "model/entities.h"
#include "store/store.h"

namespace gatehouse::store {

class Directory {
 public:
  void Load(const StoreData& data);
  void Apply(const WriteBatch& batch);

  bool empty() const;
  std::shared_ptr<const model::Account> FindAccount(std::string_view id) const;
  std::shared_ptr<const model::RootUser> FindRoot(std::string_view account_id) const;
  std::shared_ptr<const model::User> FindUser(std::string_view account_id,
                                              std::string_view name) const;
  std::shared_ptr<const model::AccessKey> FindAccessKey(std::string_view id) const;
  std::vector<std::shared_ptr<const model::User>> ListUsers(std::string_view account_id) const;
  std::vector<std::shared_ptr<const model::AccessKey>> ListAccessKeys(
      std::string_view account_id, std::string_view user_name) const;
  // A user's inline policies (by name) and attached managed policy ARNs.
  std::vector<std::shared_ptr<const model::UserPolicy>> UserPolicies(
      std::string_view account_id, std::string_view user_name) const;
  std::vector<std::string> UserAttachedPolicies(std::string_view account_id,
                                                std::string_view user_name) const;
  std::shared_ptr<const model::AccessKeyLastUsed> FindKeyLastUsed(std::string_view id) const;
  std::shared_ptr<const model::RootResetToken> FindRootResetToken(
      std::string_view token_hash) const;

 private:
  void ApplyLocked(const Write& write);
  void RenameLocked(const UpdateUser& w);

  mutable std::shared_mutex mu_;
  std::map<std::string, std::shared_ptr<const model::Account>, std::less<>> accounts_;
  std::map<std::string, std::shared_ptr<const model::RootUser>, std::less<>> roots_;
  std::map<std::string, std::shared_ptr<const model::User>, std::less<>> users_;  // "acct/name"
  std::map<std::string, std::shared_ptr<const model::AccessKey>, std::less<>> keys_;
  // "acct/user/name" → inline policy; "acct/user/arn" → attachment.
  std::map<std::string, std::shared_ptr<const model::UserPolicy>, std::less<>> user_policies_;
  std::map<std::string, std::string, std::less<>> user_attachments_;
  std::map<std::string, std::shared_ptr<const model::RootResetToken>, std::less<>> reset_tokens_;
  std::map<std::string, std::shared_ptr<const model::AccessKeyLastUsed>, std::less<>> key_usage_;
};

// State: the store and its directory together. Commit writes a batch durably, then applies it
// to the directory; commits are serialized so the directory sees them in order.
class State {
 public:
  explicit State(Store& store) : store_(store) {}
  Status Load();
  Status Commit(const WriteBatch& batch);
  const Directory& directory() const { return directory_; }

 private:
  Store& store_;
  Directory directory_;
  std::mutex commit_mu_;
};

}  // namespace gatehouse::store
