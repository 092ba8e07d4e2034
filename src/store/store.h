// Store: the durable state behind the in-memory Directory. Writes are grouped in a WriteBatch
// committed all-or-nothing; a committed batch survives a crash (kill -9) once Commit returns.
// Reads happen once, at start (LoadAll), after which the Directory answers every read.
// Uniqueness (account email, user name per account regardless of case, access key id) is
// enforced by the store and reported as EntityAlreadyExists; so is a record key written with
// Put{.create = true} that already exists. Implementations: SqliteStore;
// PostgreSQL later, against the same contract tests. Thread-safe.
#pragma once

#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "core/status.h"
#include "model/entities.h"
#include "model/iam_entities.h"
#include "model/organization_entities.h"

namespace gatehouse::store {

struct InsertAccount { model::Account account; };
struct InsertRootUser { model::RootUser root; };
struct InsertUser { model::User user; };
struct DeleteUser { std::string account_id, name; };
// Renames and/or moves a user; its keys, policies and attachments follow.
struct UpdateUser { std::string account_id, name, new_name, new_path; };
// Replaces a user's whole tag set.
struct SetUserTags { std::string account_id, user_name; std::vector<model::Tag> tags; };
struct InsertAccessKey { model::AccessKey key; };
struct DeleteAccessKey { std::string id; };
struct SetAccessKeyStatus { std::string id; model::AccessKeyStatus status; };
struct InsertRootResetToken { model::RootResetToken token; };
// Spends token `token_hash` of `account_id` (NoSuchEntity when it is gone: a token works once),
// sets the root user's password hash and deletes the account's other tokens.
struct ResetRootPassword { std::string token_hash, account_id, password_hash; };
struct SetAccessKeyLastUsed { model::AccessKeyLastUsed usage; };
struct PutUserPolicy { model::UserPolicy policy; };  // insert or replace
struct DeleteUserPolicy { std::string account_id, user_name, name; };
struct AttachUserPolicy { model::UserPolicyAttachment attachment; };
struct DetachUserPolicy { model::UserPolicyAttachment attachment; };


// The records of record_kinds.def: Put writes (create: insert only, failing with
// EntityAlreadyExists when the key exists; otherwise insert or replace), Erase deletes.
template <typename T>
struct Put {
  using Type = T;
  T value;
  bool create = false;
};
template <typename T>
struct Erase {
  using Type = T;
  std::string key;
  static Erase Of(const T& value) { return Erase{value.Key()}; }
};

template <typename T>
struct IsPut : std::false_type {};
template <typename T>
struct IsPut<Put<T>> : std::true_type {};
template <typename T>
struct IsErase : std::false_type {};
template <typename T>
struct IsErase<Erase<T>> : std::true_type {};

template <typename T>
struct RecordKind;  // RecordKind<T>::kName: the kind's name on disk
#define X(Type, kind) \
  template <>         \
  struct RecordKind<model::Type> { static constexpr const char* kName = kind; };
#include "store/record_kinds.def"
#undef X

using Write = std::variant<InsertAccount, InsertRootUser, InsertUser, DeleteUser, UpdateUser,
                           SetUserTags, InsertAccessKey,
                           DeleteAccessKey, SetAccessKeyStatus, InsertRootResetToken,
                           ResetRootPassword,
                           SetAccessKeyLastUsed,
                           PutUserPolicy, DeleteUserPolicy, AttachUserPolicy, DetachUserPolicy
#define X(Type, kind) , Put<model::Type>, Erase<model::Type>
#include "store/record_kinds.def"
#undef X
                           >;

// A record as stored: its kind, key and JSON body.
struct RawRecord {
  std::string kind;
  std::string key;
  std::string body;
};

struct WriteBatch {
  std::vector<Write> writes;
};

// Everything the directory loads at start.
struct StoreData {
  std::vector<model::Account> accounts;
  std::vector<model::RootUser> roots;
  std::vector<model::User> users;
  std::vector<model::AccessKey> access_keys;
  std::vector<model::UserPolicy> user_policies;
  std::vector<model::UserPolicyAttachment> user_attachments;
  std::vector<model::RootResetToken> root_reset_tokens;
  std::vector<model::AccessKeyLastUsed> key_usage;
  std::vector<RawRecord> records;
  int64_t sequence = 0;  // the number of batches committed so far
};

class Store {
 public:
  virtual ~Store() = default;
  virtual Result<StoreData> LoadAll() = 0;
  virtual Status Commit(const WriteBatch& batch) = 0;
};

}  // namespace gatehouse::store
