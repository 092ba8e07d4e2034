// Store: the durable state behind the in-memory Directory. Writes are grouped in a WriteBatch
// committed all-or-nothing; a committed batch survives a crash (kill -9) once Commit returns.
// Reads happen once, at start (LoadAll), after which the Directory answers every read.
// Uniqueness (account email, user name per account regardless of case, access key id) is
// enforced by the store and reported as EntityAlreadyExists; so is a record key written with
// Put{.create = true} that already exists. Implementations: SqliteStore and PostgresStore,
// against the same contract tests. Concurrent commits are grouped (CommitGroup): one
// transaction, one flush, for every batch waiting. Thread-safe.
//
// Conditional writes. A handler reads the Directory, decides, and commits; between the read and
// the commit another request may have committed. So a batch carries its preconditions — what the
// handler's decision rested on — and the store checks every one of them inside the write
// transaction, against the committed state, before any write of the batch (SQLite: under
// BEGIN IMMEDIATE; PostgreSQL: SELECT … FOR UPDATE / a serializable transaction). One that does
// not hold fails the whole batch with kStoreConflict and writes nothing; the caller re-reads
// and decides again (the dispatcher re-runs the handler, services/conflict_retry.h).
//   Expect<T>       the record at `key` is the one read (`value`), or there is none (nullopt);
//   ExpectFewer<T>  fewer than `limit` records of T have keys starting with `prefix` (and, when
//                   `field` is set, that JSON field — or one element of it, when it is a list —
//                   equal to `value` regardless of case): the
//                   quotas (groups per user, SCPs per target, accounts per organization, MFA
//                   devices per user) and "nothing hangs off it" (limit 1) for deletes;
//   ExpectUser      the dedicated users table's row (with its tags) is the one read, or absent;
//   ExpectFewerOfUser  the same count over a user's rows in the dedicated tables (access keys,
//                   inline policies, attached policies);
//   ExpectNoUserAttached  no user of the account has managed policy `policy_arn` attached.
// A record is compared by value, not by a version number: the store decodes the stored body and
// compares its canonical encoding (store/record_codec.h) with the encoding of the value read.
// Equal values mean the handler's decision still holds, so an A→B→A change in between is
// harmless; and the comparison needs no version column, no change to the records' encoding and
// nothing a PostgreSQL store could not do the same way inside its transaction.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <variant>
#include <vector>

#include "core/status.h"
#include "model/access_activity_entities.h"
#include "model/audit_entities.h"
#include "model/console_entities.h"
#include "model/entities.h"
#include "model/federation_entities.h"
#include "model/iam_entities.h"
#include "model/mail_entities.h"
#include "model/organization_entities.h"
#include "model/server_certificate_entities.h"
#include "model/throttle_entities.h"
#include "model/user_credential_entities.h"
#include "store/audit_log.h"
#include "store/boxed.h"

namespace gatehouse::store {

struct InsertAccount {
  model::Account account;
};
struct InsertRootUser {
  model::RootUser root;
};
struct InsertUser {
  model::User user;
};
struct DeleteUser {
  std::string account_id, name;
};
// Renames and/or moves a user; its keys, policies and attachments follow.
struct UpdateUser {
  std::string account_id, name, new_name, new_path;
};
// Replaces a user's whole tag set.
struct SetUserTags {
  std::string account_id, user_name;
  std::vector<model::Tag> tags;
};
struct InsertAccessKey {
  model::AccessKey key;
};
struct DeleteAccessKey {
  std::string id;
};
struct SetAccessKeyStatus {
  std::string id;
  model::AccessKeyStatus status;
};
struct InsertRootResetToken {
  model::RootResetToken token;
};
// Spends token `token_hash` of `account_id` (NoSuchEntity when it is gone: a token works once),
// sets the root user's password hash and deletes the account's other tokens.
struct ResetRootPassword {
  std::string token_hash, account_id, password_hash;
};
struct SetAccessKeyLastUsed {
  model::AccessKeyLastUsed usage;
};
struct PutUserPolicy {
  model::UserPolicy policy;
};  // insert or replace
struct DeleteUserPolicy {
  std::string account_id, user_name, name;
};
struct AttachUserPolicy {
  model::UserPolicyAttachment attachment;
};
struct DetachUserPolicy {
  model::UserPolicyAttachment attachment;
};

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

// Preconditions (see the header comment).
template <typename T>
struct Expect {
  using Type = T;
  std::string key;
  std::optional<T> value;  // nullopt: no record at `key`
};
template <typename T>
struct ExpectFewer {
  using Type = T;
  std::string prefix;
  int64_t limit = 1;
  std::string field;  // "": every record under `prefix` counts
  std::string value;
};
struct ExpectUser {
  std::string account_id, name;      // looked up regardless of case
  std::optional<model::User> value;  // nullopt: no such user
};
enum class UserTable { kAccessKeys, kInlinePolicies, kAttachedPolicies };
struct ExpectFewerOfUser {
  UserTable table;
  std::string account_id, user_name;  // regardless of case
  int64_t limit = 1;
};
struct ExpectNoUserAttached {
  std::string account_id, policy_arn;
};

// The record as read is still there, unchanged.
template <typename T>
Expect<T> Unchanged(const T& read) {
  return Expect<T>{read.Key(), read};
}
// No record of T at `key`.
template <typename T>
Expect<T> Absent(std::string key) {
  return Expect<T>{std::move(key), std::nullopt};
}
// No record of T under `prefix` (with `field` equal to `value`, when given).
template <typename T>
ExpectFewer<T> NoneUnder(std::string prefix, std::string field = {}, std::string value = {}) {
  return ExpectFewer<T>{std::move(prefix), 1, std::move(field), std::move(value)};
}
inline ExpectUser UserUnchanged(const model::User& read) {
  return ExpectUser{read.account_id, read.name, read};
}
inline ExpectUser UserAbsent(std::string account_id, std::string name) {
  return ExpectUser{std::move(account_id), std::move(name), std::nullopt};
}

template <typename T>
struct IsPut : std::false_type {};
template <typename T>
struct IsPut<Put<T>> : std::true_type {};
template <typename T>
struct IsErase : std::false_type {};
template <typename T>
struct IsErase<Erase<T>> : std::true_type {};

template <typename T>
struct IsExpect : std::false_type {};
template <typename T>
struct IsExpect<Expect<T>> : std::true_type {};
template <typename T>
struct IsExpectFewer : std::false_type {};
template <typename T>
struct IsExpectFewer<ExpectFewer<T>> : std::true_type {};

template <typename T>
struct RecordKind;  // RecordKind<T>::kName: the kind's name on disk
#define X(Type, kind)                          \
  template <>                                  \
  struct RecordKind<model::Type> {             \
    static constexpr const char* kName = kind; \
  };
#include "store/record_kinds.def"
#undef X

using WriteVariant =
    std::variant<InsertAccount, InsertRootUser, InsertUser, DeleteUser, UpdateUser, SetUserTags,
                 InsertAccessKey, DeleteAccessKey, SetAccessKeyStatus, InsertRootResetToken,
                 ResetRootPassword, SetAccessKeyLastUsed, PutUserPolicy, DeleteUserPolicy,
                 AttachUserPolicy, DetachUserPolicy
#define X(Type, kind) , Put<model::Type>, Erase<model::Type>
#include "store/record_kinds.def"
#undef X
                 >;
using Write = Boxed<WriteVariant>;

using PreconditionVariant = std::variant<ExpectUser, ExpectFewerOfUser, ExpectNoUserAttached
#define X(Type, kind) , Expect<model::Type>, ExpectFewer<model::Type>
#include "store/record_kinds.def"
#undef X
                                         >;
using Precondition = Boxed<PreconditionVariant>;
extern template class Boxed<WriteVariant>;
extern template class Boxed<PreconditionVariant>;

// The records of T under `prefix` are exactly `read`: each unchanged and no other one (a count
// below one more than them). For decisions that rest on a whole list (aggregate quotas).
template <typename T>
void AppendSameRange(const std::vector<std::shared_ptr<const T>>& read, std::string prefix,
                     std::vector<Precondition>& out) {
  for (const auto& r : read) out.push_back(Unchanged(*r));
  out.push_back(ExpectFewer<T>{std::move(prefix), static_cast<int64_t>(read.size()) + 1, {}, {}});
}

// A record as stored: its kind, key and JSON body.
struct RawRecord {
  std::string kind;
  std::string key;
  std::string body;
};

// What a commit writes, and what must still hold for it to be written (checked first).
struct WriteBatch {
  std::vector<Write> writes;
  std::vector<Precondition> preconditions = {};
  // The audit events of the call that made the change, stored in the same transaction
  // (store/audit_log.h); not part of the change feed.
  std::vector<model::AuditEntry> audit = {};
  // `audit` as the store keeps it (Store::PackAudit), packed on the caller's thread rather than
  // on the thread that commits for every writer; empty when the caller left it to the store.
  std::string packed_audit = {};
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

// One committed batch of the change feed.
struct Change {
  int64_t sequence = 0;
  std::optional<std::vector<Write>> writes;  // nullopt: no longer kept
};

// How many of the latest batches the feed keeps with their writes.
inline constexpr int64_t kFeedKept = 10000;
// Every this many commits, a commit forgets the writes of the batches older than kFeedKept.
inline constexpr int64_t kFeedPruneEvery = 1000;

class Store : public AuditLog {
 public:
  ~Store() override = default;
  virtual Result<StoreData> LoadAll() = 0;
  // Checks the batch's preconditions and applies its writes in one transaction: all or none.
  // A precondition that does not hold: kStoreConflict, nothing written. Each committed batch
  // takes the next number of the store's change sequence (StoreData::sequence counts them).
  virtual Status Commit(const WriteBatch& batch) = 0;
  // A batch's audit events in the form the store writes them (WriteBatch::packed_audit); empty
  // when the store writes them as they are.
  virtual std::string PackAudit(const std::vector<model::AuditEntry>& /*events*/) const {
    return "";
  }
  // Commits `batches` as Commit would commit them one after another, in order, but together:
  // one transaction, so one flush to disk for all of them. Each batch is checked and written
  // inside a savepoint of its own, against the state its predecessors in the group left; one
  // whose precondition does not hold or whose write fails is rolled back alone and answered
  // with its own Status, and the others still commit. Each batch's answer: the number it took
  // in the change sequence (the successful ones take consecutive numbers, in order), or why it
  // failed. When the transaction itself fails (its COMMIT), every batch fails with that error.
  // last_commit_sequence() becomes the number of the group's last successful batch. The
  // default commits them one by one.
  virtual std::vector<Result<int64_t>> CommitGroup(const std::vector<const WriteBatch*>& batches) {
    std::vector<Result<int64_t>> out;
    for (const WriteBatch* batch : batches) {
      Status s = Commit(*batch);
      out.push_back(s.ok() ? Result<int64_t>(last_commit_sequence()) : Result<int64_t>(s));
    }
    return out;
  }

  // The change feed, for a directory that must follow other writers (other instances on one
  // database). The sequence number of the latest batch any writer committed:
  virtual Result<int64_t> LatestSequence() = 0;
  // The number this store's own last successful Commit took (0 before any). Read it under the
  // lock that serializes the caller's commits.
  virtual int64_t last_commit_sequence() const = 0;
  // The batches committed after `sequence`, oldest first, at most `limit` of them. A batch too
  // old to be kept (the feed keeps the latest kFeedKept) comes without its writes: the reader
  // must reload everything.
  virtual Result<std::vector<Change>> ChangesAfter(int64_t sequence, int64_t limit) = 0;
  // Background work the instances on one database share (the account-creation queue, by
  // queue name): of `keys`, those that no other owner holds an unexpired lease on are leased to
  // `owner` until now_ms + lease_ms, and returned; an owner's own leases are renewed. Claimed
  // as a work queue claims rows (PostgreSQL: FOR UPDATE SKIP LOCKED), so instances sweeping
  // together never wait for each other and never both hold a key. A lease only spares
  // duplicated effort: the work's own commit still carries the preconditions that make it
  // happen once.
  virtual Result<std::vector<std::string>> ClaimWork(const std::string& queue,
                                                     const std::vector<std::string>& keys,
                                                     const std::string& owner, int64_t now_ms,
                                                     int64_t lease_ms) = 0;
  // Forgets `owner`'s leases of `keys` (their work is done). A lease another owner took over
  // after `owner`'s ran out stays with it.
  virtual Status FinishWork(const std::string& queue, const std::vector<std::string>& keys,
                            const std::string& owner) = 0;
  // False while the database cannot be reached (its calls then fail at once); for /healthz.
  virtual bool Reachable() const { return true; }
  // Waits until another writer announces a commit, or `timeout` passes; true when announced.
  // Engines without announcements (SQLite) only wait: their followers poll the feed.
  virtual bool WaitForChange(std::chrono::milliseconds timeout) {
    std::this_thread::sleep_for(timeout);
    return false;
  }
};

}  // namespace gatehouse::store
