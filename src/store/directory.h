// Directory: the in-memory read model of everything in the store, so that authentication,
// authorization and reads never touch the database. Entities are immutable and shared as
// std::shared_ptr<const T>; a write replaces them. Thread-safe: many readers, one writer
// (State applies committed batches in commit order).
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "model/entities.h"
#include "store/store.h"

namespace gatehouse::store {

class Directory {
 public:
  Directory();
  ~Directory();
  Directory(const Directory&) = delete;
  Directory& operator=(const Directory&) = delete;

  // Replaces everything with `data`; fails on a record it cannot decode.
  Status Load(const StoreData& data);
  void Apply(const WriteBatch& batch);

  bool empty() const;
  std::shared_ptr<const model::Account> FindAccount(std::string_view id) const;
  // The account whose (root user's) email is `email`, regardless of case, or nullptr.
  std::shared_ptr<const model::Account> FindAccountByEmail(std::string_view email) const;
  // Every account, by id.
  std::vector<std::shared_ptr<const model::Account>> ListAccounts() const;
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

  // The records of record_kinds.def. Get finds one by its exact key (model::RecordKey);
  // Scan lists, in key order, those whose key starts with `prefix` and sorts after `after`
  // (a pagination marker), at most `limit` of them.
  // Both are compiled once, in directory.cc, for every kind.
  template <typename T>
  std::shared_ptr<const T> Get(std::string_view key) const;
  template <typename T>
  std::vector<std::shared_ptr<const T>> Scan(std::string_view prefix, std::string_view after = {},
                                             size_t limit = SIZE_MAX) const;
  // How many users, groups and roles of `account` have managed policy `arn` attached.
  int64_t AttachmentCount(std::string_view account, std::string_view arn) const;

 private:
  // The tables of record_kinds.def (directory.cc): a map per kind, kept out of this header so
  // that the files including it do not instantiate three dozen maps each.
  struct RecordTables;

  template <typename T>
  void PutLocked(const Put<T>& w);
  template <typename T>
  void EraseLocked(const Erase<T>& w);
  void CountAttachment(std::string_view account, std::string_view arn, int delta);

  void ApplyLocked(const Write& write);
  void RenameLocked(const UpdateUser& w);

  mutable std::shared_mutex mu_;
  std::map<std::string, std::shared_ptr<const model::Account>, std::less<>> accounts_;
  std::map<std::string, std::string, std::less<>> account_emails_;  // lower(email) → account id
  std::map<std::string, std::shared_ptr<const model::RootUser>, std::less<>> roots_;
  std::map<std::string, std::shared_ptr<const model::User>, std::less<>> users_;  // "acct/name"
  std::map<std::string, std::shared_ptr<const model::AccessKey>, std::less<>> keys_;
  // "acct/user/name" → inline policy; "acct/user/arn" → attachment.
  std::map<std::string, std::shared_ptr<const model::UserPolicy>, std::less<>> user_policies_;
  std::map<std::string, std::string, std::less<>> user_attachments_;
  std::map<std::string, std::shared_ptr<const model::RootResetToken>, std::less<>> reset_tokens_;
  std::map<std::string, std::shared_ptr<const model::AccessKeyLastUsed>, std::less<>> key_usage_;
  std::unique_ptr<RecordTables> records_;
  std::map<std::string, int64_t, std::less<>> attachment_counts_;  // "account|lower(arn)"
};

// State: the store and its directory together. Commit writes a batch durably, then applies it
// to the directory; commits are serialized so the directory sees them in order. With other
// writers on the same database (other instances), the directory also follows the store's
// change feed: CatchUp applies, in commit order, the batches committed after the directory's
// mark (Store::ChangesAfter), exactly as their writers applied them; only a batch the feed no
// longer keeps makes it reload everything. A commit that finds others' commits before its own
// applies them all from the feed, and a commit refused by a precondition catches up first, so
// that the request's next run decides on the store's state.
// Group commit: requests that commit at once share one transaction. Callers queue their batches;
// one committer thread (started at the first commit) takes every batch waiting
// (Store::CommitGroup), applies the successful ones to the directory in sequence order, wakes
// their callers, and goes straight on with the batches that queued meanwhile. A caller returns
// once its batch is durable and applied, and is woken only for its own answer. (A committer that
// is always running, rather than a caller leading, keeps the hand-over from one group to the
// next off the path: under load a woken thread waits for a core.) Thread-safe.
class State {
 public:
  explicit State(Store& store) : store_(store) {}
  ~State();
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  Status Load();
  Status Commit(const WriteBatch& batch);
  // Applies the batches committed after the directory's mark; true when there were some.
  Result<bool> CatchUp();
  // The store's change sequence number up to which the directory is known complete.
  int64_t sequence() const;
  // How many commits wait for the one running.
  size_t waiting() const;
  const Directory& directory() const { return directory_; }
  // The store, for what is not a batch of writes (Store::ClaimWork).
  Store& store() { return store_; }

 private:
  // A caller's batch waiting in the queue, and its answer once the committer committed it.
  struct Pending {
    const WriteBatch* batch = nullptr;
    Status status = Status::Ok();
    bool done = false;
    std::condition_variable cv;  // the caller waits here for `done`
  };

  Status LoadLocked();
  Result<bool> CatchUpLocked();
  // The committer thread's loop: commits the queue's batches, a group at a time, until stopping_.
  void CommitQueued();
  // Commits `group` (under commit_mu_) and applies its successful batches to the directory.
  void CommitGroupLocked(const std::vector<Pending*>& group);
  // Applies a batch committed as number `committed`, after whatever the feed holds before it.
  void ApplyCommittedLocked(const WriteBatch& batch, int64_t committed);

  // How many batches one read of the feed brings.
  static constexpr int64_t kCatchUpBatch = 500;

  Store& store_;
  Directory directory_;
  mutable std::mutex commit_mu_;
  int64_t sequence_ = 0;
  bool stale_ = false;  // the directory holds a batch applied out of order: reload

  // At most this many batches share one transaction (PostgreSQL tracks a transaction's first
  // 64 savepoints that write in shared memory; more cost every other session's snapshots).
  static constexpr size_t kMaxGroup = 64;
  mutable std::mutex queue_mu_;  // guards what follows and the Pendings; taken before commit_mu_
  std::deque<Pending*> queue_;
  std::condition_variable queued_;  // the committer waits here for batches
  bool stopping_ = false;
  std::thread committer_;  // started by the first Commit
};

}  // namespace gatehouse::store
