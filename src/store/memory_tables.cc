#include "store/memory_tables.h"

#include <type_traits>

#include "core/strings.h"
#include "store/record_codec.h"

namespace gatehouse::store {
namespace {

Status Taken(const std::string& what) {
  return Status(ErrorCode::kEntityAlreadyExists, "constraint failed: " + what + " exists");
}

Status Missing(const std::string& what) {
  return Status(ErrorCode::kEntityAlreadyExists, "constraint failed: no " + what);
}

// The rows of `table` whose key starts with (account, user), user compared exactly.
template <typename Row>
std::vector<MemoryTables::UserRow> RowsOfUser(const std::map<MemoryTables::UserRow, Row>& table,
                                              const std::string& account_id,
                                              const std::string& user) {
  std::vector<MemoryTables::UserRow> keys;
  for (auto it = table.lower_bound({account_id, user, ""});
       it != table.end() && std::get<0>(it->first) == account_id && std::get<1>(it->first) == user;
       ++it) {
    keys.push_back(it->first);
  }
  return keys;
}

}  // namespace

Status MemoryTables::AccountExists(const std::string& account_id) const {
  return accounts_.Find(account_id) != nullptr ? Status::Ok() : Missing("account " + account_id);
}

Status MemoryTables::UserExists(const std::string& account_id, const std::string& name) const {
  if (defer_user_references_) return Status::Ok();
  const model::User* user = users_.Find({account_id, AsciiLower(name)});
  return user != nullptr && user->name == name ? Status::Ok()
                                               : Missing("user " + account_id + "/" + name);
}

bool MemoryTables::UserReferenced(const std::string& account_id, const std::string& name) const {
  return user_tags_.Find({account_id, name}) != nullptr ||
         !RowsOfUser(user_policies_.rows(), account_id, name).empty() ||
         !RowsOfUser(user_attachments_.rows(), account_id, name).empty();
}

Status MemoryTables::AddAccount(const model::Account& account) {
  if (accounts_.Find(account.id) != nullptr) return Taken("account " + account.id);
  if (!account_emails_.Insert(AsciiLower(account.email), account.id)) {
    return Taken("an account with email " + account.email);
  }
  accounts_.Insert(account.id, account);
  return Status::Ok();
}

Status MemoryTables::AddUser(const model::User& user) {
  RETURN_IF_ERROR(AccountExists(user.account_id));
  model::User row = user;
  row.tags.clear();  // tags are SetUserTags' rows
  if (!users_.Insert({user.account_id, AsciiLower(user.name)}, std::move(row))) {
    return Taken("user " + user.account_id + "/" + user.name);
  }
  if (!user_ids_.Insert(user.id, true)) return Taken("user id " + user.id);
  return Status::Ok();
}

Status MemoryTables::RemoveUser(const DeleteUser& w) {
  const AccountAndName key{w.account_id, AsciiLower(w.name)};
  const model::User* user = users_.Find(key);
  if (user == nullptr || user->name != w.name) return Status::Ok();  // no row of that exact name
  if (!defer_user_references_ && UserReferenced(w.account_id, w.name)) {
    return Missing("deletion of user " + w.name + " while rows refer to it");
  }
  user_ids_.Erase(user->id);
  users_.Erase(key);
  return Status::Ok();
}

// Moves the rows of the user renamed by `w` to its new name.
template <typename Row>
Status MemoryTables::MoveUserRows(JournaledMap<UserRow, Row>& table, const UpdateUser& w) {
  std::vector<std::pair<UserRow, Row>> moved;
  for (const UserRow& key : RowsOfUser(table.rows(), w.account_id, w.name)) {
    moved.emplace_back(UserRow{w.account_id, w.new_name, std::get<2>(key)}, *table.Find(key));
    table.Erase(key);
  }
  for (auto& [key, row] : moved) {
    if (!table.Insert(key, std::move(row))) return Taken("a row of user " + w.new_name);
  }
  return Status::Ok();
}

Status MemoryTables::RenameUser(const UpdateUser& w) {
  // The user's rows in every table follow; the references are checked at the batch's end, when
  // all of them agree again.
  defer_user_references_ = true;
  const AccountAndName key{w.account_id, AsciiLower(w.name)};
  if (const model::User* found = users_.Find(key); found != nullptr && found->name == w.name) {
    model::User user = *found;
    user.name = w.new_name;
    user.path = w.new_path;
    users_.Erase(key);
    if (!users_.Insert({w.account_id, AsciiLower(w.new_name)}, std::move(user))) {
      return Taken("user " + w.account_id + "/" + w.new_name);
    }
  }
  for (const auto& [id, access_key] : access_keys_.rows()) {
    if (access_key.account_id == w.account_id && access_key.user_name == w.name) {
      model::AccessKey renamed = access_key;
      renamed.user_name = w.new_name;
      access_keys_.Set(id, std::move(renamed));
    }
  }
  RETURN_IF_ERROR(MoveUserRows(user_policies_, w));
  RETURN_IF_ERROR(MoveUserRows(user_attachments_, w));
  if (const std::vector<model::Tag>* tags = user_tags_.Find({w.account_id, w.name})) {
    std::vector<model::Tag> moved = *tags;
    user_tags_.Erase({w.account_id, w.name});
    if (!user_tags_.Insert({w.account_id, w.new_name}, std::move(moved))) {
      return Taken("tags of user " + w.new_name);
    }
  }
  return Status::Ok();
}

Status MemoryTables::ReplaceTags(const SetUserTags& w) {
  user_tags_.Erase({w.account_id, w.user_name});
  if (w.tags.empty()) return Status::Ok();
  RETURN_IF_ERROR(UserExists(w.account_id, w.user_name));
  user_tags_.Set({w.account_id, w.user_name}, w.tags);
  return Status::Ok();
}

Status MemoryTables::SpendResetToken(const ResetRootPassword& w) {
  const model::RootResetToken* token = reset_tokens_.Find(w.token_hash);
  if (token == nullptr || token->account_id != w.account_id) {
    return Status(ErrorCode::kNoSuchEntity, "the password-reset token is spent");
  }
  std::vector<std::string> spent;
  for (const auto& [hash, t] : reset_tokens_.rows()) {
    if (t.account_id == w.account_id) spent.push_back(hash);
  }
  for (const std::string& hash : spent) reset_tokens_.Erase(hash);
  if (const model::RootUser* root = roots_.Find(w.account_id)) {
    model::RootUser updated = *root;
    updated.password_hash = w.password_hash;
    roots_.Set(w.account_id, std::move(updated));
  }
  return Status::Ok();
}

Status MemoryTables::Apply(const Write& write) {
  return std::visit(
      [this](const auto& w) -> Status {
        using T = std::decay_t<decltype(w)>;
        if constexpr (IsPut<T>::value) {
          const std::pair<std::string, std::string> key{RecordKind<typename T::Type>::kName,
                                                        w.value.Key()};
          if (!w.create) {
            records_.Set(key, EncodeRecord(w.value));
          } else if (!records_.Insert(key, EncodeRecord(w.value))) {
            return Taken(key.first + " " + key.second);
          }
          return Status::Ok();
        } else if constexpr (IsErase<T>::value) {
          records_.Erase({RecordKind<typename T::Type>::kName, w.key});
          return Status::Ok();
        } else if constexpr (std::is_same_v<T, InsertAccount>) {
          return AddAccount(w.account);
        } else if constexpr (std::is_same_v<T, InsertRootUser>) {
          RETURN_IF_ERROR(AccountExists(w.root.account_id));
          return roots_.Insert(w.root.account_id, w.root) ? Status::Ok()
                                                          : Taken("root of " + w.root.account_id);
        } else if constexpr (std::is_same_v<T, InsertUser>) {
          return AddUser(w.user);
        } else if constexpr (std::is_same_v<T, DeleteUser>) {
          return RemoveUser(w);
        } else if constexpr (std::is_same_v<T, UpdateUser>) {
          return RenameUser(w);
        } else if constexpr (std::is_same_v<T, SetUserTags>) {
          return ReplaceTags(w);
        } else if constexpr (std::is_same_v<T, InsertAccessKey>) {
          RETURN_IF_ERROR(AccountExists(w.key.account_id));
          return access_keys_.Insert(w.key.id, w.key) ? Status::Ok()
                                                      : Taken("access key " + w.key.id);
        } else if constexpr (std::is_same_v<T, DeleteAccessKey>) {
          key_usage_.Erase(w.id);
          access_keys_.Erase(w.id);
          return Status::Ok();
        } else if constexpr (std::is_same_v<T, SetAccessKeyStatus>) {
          if (const model::AccessKey* key = access_keys_.Find(w.id)) {
            model::AccessKey updated = *key;
            updated.status = w.status;
            access_keys_.Set(w.id, std::move(updated));
          }
          return Status::Ok();
        } else if constexpr (std::is_same_v<T, SetAccessKeyLastUsed>) {
          key_usage_.Set(w.usage.access_key_id, w.usage);
          return Status::Ok();
        } else if constexpr (std::is_same_v<T, InsertRootResetToken>) {
          RETURN_IF_ERROR(AccountExists(w.token.account_id));
          return reset_tokens_.Insert(w.token.token_hash, w.token) ? Status::Ok()
                                                                   : Taken("reset token");
        } else if constexpr (std::is_same_v<T, ResetRootPassword>) {
          return SpendResetToken(w);
        } else if constexpr (std::is_same_v<T, PutUserPolicy>) {
          RETURN_IF_ERROR(UserExists(w.policy.account_id, w.policy.user_name));
          user_policies_.Set({w.policy.account_id, w.policy.user_name, w.policy.name},
                             w.policy.document);
          return Status::Ok();
        } else if constexpr (std::is_same_v<T, DeleteUserPolicy>) {
          user_policies_.Erase({w.account_id, w.user_name, w.name});
          return Status::Ok();
        } else if constexpr (std::is_same_v<T, AttachUserPolicy>) {
          const model::UserPolicyAttachment& a = w.attachment;
          RETURN_IF_ERROR(UserExists(a.account_id, a.user_name));
          return user_attachments_.Insert({a.account_id, a.user_name, a.policy_arn}, true)
                     ? Status::Ok()
                     : Taken("attachment of " + a.policy_arn + " to " + a.user_name);
        } else {
          static_assert(std::is_same_v<T, DetachUserPolicy>);
          const model::UserPolicyAttachment& a = w.attachment;
          user_attachments_.Erase({a.account_id, a.user_name, a.policy_arn});
          return Status::Ok();
        }
      },
      write.get());
}

Status MemoryTables::Finish() {
  if (!defer_user_references_) return Status::Ok();
  defer_user_references_ = false;
  for (const auto& [key, tags] : user_tags_.rows()) {
    RETURN_IF_ERROR(UserExists(key.first, key.second));
  }
  for (const auto& [key, document] : user_policies_.rows()) {
    RETURN_IF_ERROR(UserExists(std::get<0>(key), std::get<1>(key)));
  }
  for (const auto& [key, attached] : user_attachments_.rows()) {
    RETURN_IF_ERROR(UserExists(std::get<0>(key), std::get<1>(key)));
  }
  return Status::Ok();
}

void MemoryTables::Undo() {
  journal_.Undo();
  defer_user_references_ = false;
}

void MemoryTables::Keep() {
  journal_.Forget();
  defer_user_references_ = false;
}

std::optional<model::User> MemoryTables::FindUser(const std::string& account_id,
                                                  const std::string& name) const {
  const model::User* row = users_.Find({account_id, AsciiLower(name)});
  if (row == nullptr) return std::nullopt;
  model::User user = *row;
  if (const std::vector<model::Tag>* tags = user_tags_.Find({account_id, row->name})) {
    user.tags = *tags;
  }
  return user;
}

StoreData MemoryTables::Load() const {
  StoreData data;
  for (const auto& [id, account] : accounts_.rows()) data.accounts.push_back(account);
  for (const auto& [id, root] : roots_.rows()) data.roots.push_back(root);
  for (const auto& [key, user] : users_.rows())
    data.users.push_back(*FindUser(key.first, key.second));
  for (const auto& [id, key] : access_keys_.rows()) data.access_keys.push_back(key);
  for (const auto& [key, document] : user_policies_.rows()) {
    data.user_policies.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), document});
  }
  for (const auto& [key, attached] : user_attachments_.rows()) {
    data.user_attachments.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key)});
  }
  for (const auto& [hash, token] : reset_tokens_.rows()) data.root_reset_tokens.push_back(token);
  for (const auto& [id, usage] : key_usage_.rows()) data.key_usage.push_back(usage);
  for (const auto& [key, body] : records_.rows()) {
    data.records.push_back({key.first, key.second, body});
  }
  return data;
}

}  // namespace gatehouse::store
