// MemoryTables: the store's schema (migrations.h) kept in process memory, with the constraints
// the SQL engines enforce, so that MemoryStore answers a batch as they do. A primary key or a
// unique index (account emails and user names regardless of case, user ids) taken, or a
// reference to a missing account or user, is EntityAlreadyExists (as a constraint violation is
// in SqliteStore and PostgresStore). The references to a user are checked at each write, except
// after a rename in the same batch, which defers them to the batch's end (Finish) as the SQL
// engines defer them. Every change is journaled: Undo reverts what the writes since the last
// Keep did, so a batch is all or nothing. Not thread-safe: MemoryStore locks.
#pragma once

#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/status.h"
#include "store/journaled_map.h"
#include "store/store.h"

namespace gatehouse::store {

class MemoryTables {
 public:
  using AccountAndName = std::pair<std::string, std::string>;
  using UserRow = std::tuple<std::string, std::string, std::string>;  // account, user, name

  MemoryTables() = default;
  MemoryTables(const MemoryTables&) = delete;
  MemoryTables& operator=(const MemoryTables&) = delete;

  Status Apply(const Write& write);
  // Checks what the batch's writes deferred; call after its last write.
  Status Finish();
  // Reverts the writes since the last Keep (a failed batch), or keeps them (a committed one).
  void Undo();
  void Keep();

  // Everything, as LoadAll returns it (without the sequence): records by kind and key.
  StoreData Load() const;

  // For the preconditions. The user named `name` regardless of case, with its tags; nullopt
  // when there is none.
  std::optional<model::User> FindUser(const std::string& account_id, const std::string& name) const;
  const std::map<std::pair<std::string, std::string>, std::string>& records() const {
    return records_.rows();
  }
  const std::map<std::string, model::AccessKey>& access_keys() const { return access_keys_.rows(); }
  const std::map<UserRow, std::string>& user_policies() const { return user_policies_.rows(); }
  const std::map<UserRow, bool>& user_attachments() const { return user_attachments_.rows(); }

 private:
  Status AddAccount(const model::Account& account);
  Status AddUser(const model::User& user);
  Status RemoveUser(const DeleteUser& w);
  Status RenameUser(const UpdateUser& w);
  Status ReplaceTags(const SetUserTags& w);
  Status SpendResetToken(const ResetRootPassword& w);
  template <typename Row>
  Status MoveUserRows(JournaledMap<UserRow, Row>& table, const UpdateUser& w);

  // The references every row makes: an account that exists; a user that exists, under its exact
  // name, unless the batch deferred that check.
  Status AccountExists(const std::string& account_id) const;
  Status UserExists(const std::string& account_id, const std::string& name) const;
  bool UserReferenced(const std::string& account_id, const std::string& name) const;

  Journal journal_;
  JournaledMap<std::string, model::Account> accounts_{journal_};
  JournaledMap<std::string, std::string> account_emails_{journal_};  // lower(email) → id
  JournaledMap<std::string, model::RootUser> roots_{journal_};
  // (account, lower(name)) → the user without its tags.
  JournaledMap<AccountAndName, model::User> users_{journal_};
  JournaledMap<std::string, bool> user_ids_{journal_};
  JournaledMap<AccountAndName, std::vector<model::Tag>> user_tags_{journal_};  // never empty
  JournaledMap<std::string, model::AccessKey> access_keys_{journal_};
  JournaledMap<UserRow, std::string> user_policies_{journal_};  // → document
  JournaledMap<UserRow, bool> user_attachments_{journal_};      // (account, user, policy arn)
  JournaledMap<std::string, model::RootResetToken> reset_tokens_{journal_};
  JournaledMap<std::string, model::AccessKeyLastUsed> key_usage_{journal_};
  JournaledMap<std::pair<std::string, std::string>, std::string> records_{journal_};  // → body
  bool defer_user_references_ = false;  // a rename in this batch
};

}  // namespace gatehouse::store
