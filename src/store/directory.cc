#include "store/directory.h"

#include <algorithm>
#include <exception>
#include <mutex>
#include <optional>
#include <tuple>
#include <type_traits>
#include <variant>

#include "core/strings.h"
#include "core/thread_name.h"
#include "store/audit_scope.h"
#include "store/record_codec.h"

namespace gatehouse::store {
namespace {

// IAM names are unique regardless of case, and looked up regardless of case too.
std::string UserKey(std::string_view account, std::string_view name) {
  return std::string(account) + "/" + AsciiLower(name);
}

template <typename T>
using Table = std::map<std::string, std::shared_ptr<const T>, std::less<>>;

}  // namespace

struct Directory::RecordTables {
  std::tuple<std::monostate
#define X(Type, kind) , Table<model::Type>
#include "store/record_kinds.def"
#undef X
             >
      tables;

  template <typename T>
  Table<T>& Of() {
    return std::get<Table<T>>(tables);
  }
};

Directory::Directory() : records_(std::make_unique<RecordTables>()) {}
Directory::~Directory() = default;

template <typename T>
std::shared_ptr<const T> Directory::Get(std::string_view key) const {
  std::shared_lock lock(mu_);
  const Table<T>& table = records_->Of<T>();
  auto it = table.find(key);
  return it == table.end() ? nullptr : it->second;
}

template <typename T>
std::vector<std::shared_ptr<const T>> Directory::Scan(std::string_view prefix,
                                                      std::string_view after, size_t limit) const {
  std::shared_lock lock(mu_);
  const Table<T>& table = records_->Of<T>();
  std::vector<std::shared_ptr<const T>> out;
  auto it = after.empty() || after < prefix ? table.lower_bound(prefix) : table.upper_bound(after);
  for (; it != table.end() && out.size() < limit &&
         std::string_view(it->first).substr(0, prefix.size()) == prefix;
       ++it) {
    out.push_back(it->second);
  }
  return out;
}

#define X(Type, kind)                                                                              \
  template std::shared_ptr<const model::Type> Directory::Get<model::Type>(std::string_view) const; \
  template std::vector<std::shared_ptr<const model::Type>> Directory::Scan<model::Type>(           \
      std::string_view, std::string_view, size_t) const;
#include "store/record_kinds.def"
#undef X

Status Directory::Load(const StoreData& data) {
  WriteBatch all;
  for (const auto& a : data.accounts) all.writes.push_back(InsertAccount{a});
  for (const auto& r : data.roots) all.writes.push_back(InsertRootUser{r});
  for (const auto& u : data.users) all.writes.push_back(InsertUser{u});
  for (const auto& k : data.access_keys) all.writes.push_back(InsertAccessKey{k});
  for (const auto& p : data.user_policies) all.writes.push_back(PutUserPolicy{p});
  for (const auto& a : data.user_attachments) all.writes.push_back(AttachUserPolicy{a});
  for (const auto& t : data.root_reset_tokens) all.writes.push_back(InsertRootResetToken{t});
  for (const auto& u : data.key_usage) all.writes.push_back(SetAccessKeyLastUsed{u});
  for (const RawRecord& r : data.records) {
    bool known = false;
#define X(Type, kind_name)                                            \
  if (r.kind == kind_name) {                                          \
    Result<model::Type> value = DecodeRecord<model::Type>(r.body);    \
    if (!value.ok()) return value.status();                           \
    all.writes.push_back(Put<model::Type>{std::move(value).value()}); \
    known = true;                                                     \
  }
#include "store/record_kinds.def"
#undef X
    if (!known) {
      return Status(ErrorCode::kServiceFailure,
                    "unknown record kind " + r.kind + " (written by a newer gatehouse?)");
    }
  }
  std::unique_lock lock(mu_);
  accounts_.clear();
  account_emails_.clear();
  roots_.clear();
  users_.clear();
  keys_.clear();
  user_policies_.clear();
  user_attachments_.clear();
  reset_tokens_.clear();
  key_usage_.clear();
  *records_ = {};
  attachment_counts_.clear();
  for (const Write& w : all.writes) ApplyLocked(w);
  return Status::Ok();
}

void Directory::CountAttachment(std::string_view account, std::string_view arn, int delta) {
  std::string key = std::string(account) + "|" + AsciiLower(arn);
  if ((attachment_counts_[key] += delta) <= 0) attachment_counts_.erase(key);
}

int64_t Directory::AttachmentCount(std::string_view account, std::string_view arn) const {
  std::shared_lock lock(mu_);
  auto it = attachment_counts_.find(std::string(account) + "|" + AsciiLower(arn));
  return it == attachment_counts_.end() ? 0 : it->second;
}

template <typename T>
void Directory::PutLocked(const Put<T>& w) {
  Table<T>& table = records_->Of<T>();
  auto [it, inserted] = table.try_emplace(w.value.Key());
  if constexpr (std::is_same_v<T, model::GroupAttachment> ||
                std::is_same_v<T, model::RoleAttachment>) {
    if (inserted) CountAttachment(w.value.account_id, w.value.policy_arn, 1);
  }
  it->second = std::make_shared<const T>(w.value);
}

template <typename T>
void Directory::EraseLocked(const Erase<T>& w) {
  Table<T>& table = records_->Of<T>();
  auto it = table.find(w.key);
  if (it == table.end()) return;
  if constexpr (std::is_same_v<T, model::GroupAttachment> ||
                std::is_same_v<T, model::RoleAttachment>) {
    CountAttachment(it->second->account_id, it->second->policy_arn, -1);
  }
  table.erase(it);
}

void Directory::Apply(const WriteBatch& batch) {
  std::unique_lock lock(mu_);
  for (const Write& w : batch.writes) ApplyLocked(w);
}

void Directory::ApplyLocked(const Write& write) {
  std::visit(
      [this](const auto& w) {
        using T = std::decay_t<decltype(w)>;
        if constexpr (IsPut<T>::value) {
          PutLocked(w);
        } else if constexpr (IsErase<T>::value) {
          EraseLocked(w);
        } else if constexpr (std::is_same_v<T, InsertAccount>) {
          accounts_[w.account.id] = std::make_shared<const model::Account>(w.account);
          account_emails_[AsciiLower(w.account.email)] = w.account.id;
        } else if constexpr (std::is_same_v<T, InsertRootUser>) {
          roots_[w.root.account_id] = std::make_shared<const model::RootUser>(w.root);
        } else if constexpr (std::is_same_v<T, InsertUser>) {
          users_[UserKey(w.user.account_id, w.user.name)] =
              std::make_shared<const model::User>(w.user);
        } else if constexpr (std::is_same_v<T, DeleteUser>) {
          users_.erase(UserKey(w.account_id, w.name));
        } else if constexpr (std::is_same_v<T, UpdateUser>) {
          RenameLocked(w);
        } else if constexpr (std::is_same_v<T, SetUserTags>) {
          auto it = users_.find(UserKey(w.account_id, w.user_name));
          if (it != users_.end()) {
            auto updated = std::make_shared<model::User>(*it->second);
            updated->tags = w.tags;
            it->second = std::move(updated);
          }
        } else if constexpr (std::is_same_v<T, InsertAccessKey>) {
          keys_[w.key.id] = std::make_shared<const model::AccessKey>(w.key);
        } else if constexpr (std::is_same_v<T, DeleteAccessKey>) {
          keys_.erase(w.id);
          key_usage_.erase(w.id);
        } else if constexpr (std::is_same_v<T, SetAccessKeyStatus>) {
          if (auto it = keys_.find(w.id); it != keys_.end()) {
            auto updated = std::make_shared<model::AccessKey>(*it->second);
            updated->status = w.status;
            it->second = std::move(updated);
          }
        } else if constexpr (std::is_same_v<T, SetAccessKeyLastUsed>) {
          key_usage_[w.usage.access_key_id] =
              std::make_shared<const model::AccessKeyLastUsed>(w.usage);
        } else if constexpr (std::is_same_v<T, InsertRootResetToken>) {
          reset_tokens_[w.token.token_hash] =
              std::make_shared<const model::RootResetToken>(w.token);
        } else if constexpr (std::is_same_v<T, ResetRootPassword>) {
          for (auto it = reset_tokens_.begin(); it != reset_tokens_.end();) {
            it = it->second->account_id == w.account_id ? reset_tokens_.erase(it) : std::next(it);
          }
          if (auto it = roots_.find(w.account_id); it != roots_.end()) {
            auto updated = std::make_shared<model::RootUser>(*it->second);
            updated->password_hash = w.password_hash;
            it->second = std::move(updated);
          }
        } else if constexpr (std::is_same_v<T, PutUserPolicy>) {
          user_policies_[UserKey(w.policy.account_id, w.policy.user_name) + "/" +
                         AsciiLower(w.policy.name)] =
              std::make_shared<const model::UserPolicy>(w.policy);
        } else if constexpr (std::is_same_v<T, DeleteUserPolicy>) {
          user_policies_.erase(UserKey(w.account_id, w.user_name) + "/" + AsciiLower(w.name));
        } else if constexpr (std::is_same_v<T, AttachUserPolicy>) {
          const auto& a = w.attachment;
          if (user_attachments_
                  .emplace(UserKey(a.account_id, a.user_name) + "/" + a.policy_arn, a.policy_arn)
                  .second) {
            CountAttachment(a.account_id, a.policy_arn, 1);
          }
        } else {
          const auto& a = w.attachment;
          if (user_attachments_.erase(UserKey(a.account_id, a.user_name) + "/" + a.policy_arn)) {
            CountAttachment(a.account_id, a.policy_arn, -1);
          }
        }
      },
      write.get());
}

void Directory::RenameLocked(const UpdateUser& w) {
  auto it = users_.find(UserKey(w.account_id, w.name));
  if (it == users_.end()) return;
  auto updated = std::make_shared<model::User>(*it->second);
  updated->name = w.new_name;
  updated->path = w.new_path;
  users_.erase(it);
  users_[UserKey(w.account_id, w.new_name)] = std::move(updated);
  const std::string old_prefix = UserKey(w.account_id, w.name) + "/";
  const std::string new_prefix = UserKey(w.account_id, w.new_name) + "/";
  auto move_prefix = [&](auto& map, auto rewrite) {
    std::vector<std::pair<std::string, typename std::decay_t<decltype(map)>::mapped_type>> moved;
    for (auto i = map.lower_bound(old_prefix);
         i != map.end() && i->first.compare(0, old_prefix.size(), old_prefix) == 0;) {
      moved.emplace_back(new_prefix + i->first.substr(old_prefix.size()), rewrite(i->second));
      i = map.erase(i);
    }
    for (auto& [k, v] : moved) map[k] = std::move(v);
  };
  move_prefix(user_policies_, [&](const std::shared_ptr<const model::UserPolicy>& p) {
    auto copy = std::make_shared<model::UserPolicy>(*p);
    copy->user_name = w.new_name;
    return std::shared_ptr<const model::UserPolicy>(std::move(copy));
  });
  move_prefix(user_attachments_, [](const std::string& arn) { return arn; });
  for (auto& [id, key] : keys_) {
    if (key->account_id == w.account_id && key->user_name == w.name) {
      auto copy = std::make_shared<model::AccessKey>(*key);
      copy->user_name = w.new_name;
      key = std::move(copy);
    }
  }
}

bool Directory::empty() const {
  std::shared_lock lock(mu_);
  return accounts_.empty();
}

std::shared_ptr<const model::Account> Directory::FindAccountByEmail(std::string_view email) const {
  std::shared_lock lock(mu_);
  auto id = account_emails_.find(AsciiLower(email));
  if (id == account_emails_.end()) return nullptr;
  auto it = accounts_.find(id->second);
  return it == accounts_.end() ? nullptr : it->second;
}

std::shared_ptr<const model::Account> Directory::FindAccount(std::string_view id) const {
  std::shared_lock lock(mu_);
  auto it = accounts_.find(id);
  return it == accounts_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const model::Account>> Directory::ListAccounts() const {
  std::shared_lock lock(mu_);
  std::vector<std::shared_ptr<const model::Account>> out;
  out.reserve(accounts_.size());
  for (const auto& [id, account] : accounts_) out.push_back(account);
  return out;
}

std::shared_ptr<const model::RootUser> Directory::FindRoot(std::string_view account_id) const {
  std::shared_lock lock(mu_);
  auto it = roots_.find(account_id);
  return it == roots_.end() ? nullptr : it->second;
}

std::shared_ptr<const model::User> Directory::FindUser(std::string_view account_id,
                                                       std::string_view name) const {
  std::shared_lock lock(mu_);
  auto it = users_.find(UserKey(account_id, name));
  return it == users_.end() ? nullptr : it->second;
}

std::shared_ptr<const model::AccessKey> Directory::FindAccessKey(std::string_view id) const {
  std::shared_lock lock(mu_);
  auto it = keys_.find(id);
  return it == keys_.end() ? nullptr : it->second;
}

namespace {

// The entries of `map` whose key starts with `prefix`.
template <typename Map, typename Fn>
void ForPrefix(const Map& map, const std::string& prefix, Fn fn) {
  for (auto it = map.lower_bound(prefix);
       it != map.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    fn(it->second);
  }
}

}  // namespace

std::vector<std::shared_ptr<const model::User>> Directory::ListUsers(
    std::string_view account_id) const {
  std::shared_lock lock(mu_);
  std::vector<std::shared_ptr<const model::User>> out;
  ForPrefix(users_, std::string(account_id) + "/", [&](const auto& u) { out.push_back(u); });
  return out;
}

std::vector<std::shared_ptr<const model::AccessKey>> Directory::ListAccessKeys(
    std::string_view account_id, std::string_view user_name) const {
  std::shared_lock lock(mu_);
  std::vector<std::shared_ptr<const model::AccessKey>> out;
  for (const auto& [id, key] : keys_) {
    if (key->account_id == account_id && key->user_name == user_name) out.push_back(key);
  }
  return out;
}

std::vector<std::shared_ptr<const model::UserPolicy>> Directory::UserPolicies(
    std::string_view account_id, std::string_view user_name) const {
  std::shared_lock lock(mu_);
  std::vector<std::shared_ptr<const model::UserPolicy>> out;
  ForPrefix(user_policies_, UserKey(account_id, user_name) + "/",
            [&](const auto& p) { out.push_back(p); });
  return out;
}

std::vector<std::string> Directory::UserAttachedPolicies(std::string_view account_id,
                                                         std::string_view user_name) const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  ForPrefix(user_attachments_, UserKey(account_id, user_name) + "/",
            [&](const auto& arn) { out.push_back(arn); });
  return out;
}

std::shared_ptr<const model::AccessKeyLastUsed> Directory::FindKeyLastUsed(
    std::string_view id) const {
  std::shared_lock lock(mu_);
  auto it = key_usage_.find(id);
  return it == key_usage_.end() ? nullptr : it->second;
}

std::shared_ptr<const model::RootResetToken> Directory::FindRootResetToken(
    std::string_view token_hash) const {
  std::shared_lock lock(mu_);
  auto it = reset_tokens_.find(token_hash);
  return it == reset_tokens_.end() ? nullptr : it->second;
}

Status State::Load() {
  std::lock_guard<std::mutex> lock(commit_mu_);
  return LoadLocked();
}

Status State::LoadLocked() {
  Result<StoreData> data = store_.LoadAll();
  if (!data.ok()) return data.status();
  RETURN_IF_ERROR(directory_.Load(*data));
  sequence_ = data->sequence;
  stale_ = false;
  return Status::Ok();
}

State::~State() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  queued_.notify_one();
  if (committer_.joinable()) committer_.join();
}

Status State::Commit(const WriteBatch& batch) {
  // The first commit of an audited call carries the call's event (store/audit_scope.h).
  AuditScope* scope = AuditScope::Current();
  std::optional<WriteBatch> with_event;
  if (scope != nullptr && !scope->written()) {
    with_event = batch;
    with_event->audit.push_back(scope->entry());
    with_event->packed_audit = store_.PackAudit(with_event->audit);
  }
  Pending mine;
  mine.batch = with_event ? &*with_event : &batch;
  std::unique_lock lock(queue_mu_);
  if (!committer_.joinable()) {
    committer_ = std::thread([this] {
      NameThisThread("store-committer");
      CommitQueued();
    });
  }
  queue_.push_back(&mine);
  queued_.notify_one();
  mine.cv.wait(lock, [&] { return mine.done; });
  if (mine.status.ok() && with_event) scope->MarkWritten();
  return mine.status;
}

void State::CommitQueued() {
  std::unique_lock lock(queue_mu_);
  while (true) {
    queued_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and no caller waits
    const size_t n = std::min(queue_.size(), kMaxGroup);
    std::vector<Pending*> group(queue_.begin(), queue_.begin() + static_cast<ptrdiff_t>(n));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<ptrdiff_t>(n));
    lock.unlock();
    {
      std::lock_guard<std::mutex> commit_lock(commit_mu_);
      try {
        CommitGroupLocked(group);
      } catch (const std::exception& e) {
        // Whatever the group's fate, its callers must wake: none is told of a success that
        // is not known, and the directory reloads at its next catch-up.
        for (Pending* p : group) {
          p->status = Status(ErrorCode::kServiceFailure, std::string("commit: ") + e.what());
        }
        stale_ = true;
      } catch (...) {
        for (Pending* p : group) p->status = Status(ErrorCode::kServiceFailure, "commit failed");
        stale_ = true;
      }
    }
    lock.lock();
    // Under the lock: a caller that sees `done` returns, and its Pending is gone.
    for (Pending* p : group) {
      p->done = true;
      p->cv.notify_one();
    }
  }
}

void State::CommitGroupLocked(const std::vector<Pending*>& group) {
  std::vector<const WriteBatch*> batches;
  batches.reserve(group.size());
  for (const Pending* p : group) batches.push_back(p->batch);
  std::vector<Result<int64_t>> committed = store_.CommitGroup(batches);
  bool conflict = false;
  for (size_t i = 0; i < group.size(); ++i) {
    if (i >= committed.size()) {
      group[i]->status = Status(ErrorCode::kServiceFailure, "the store did not answer a batch");
      continue;
    }
    group[i]->status = committed[i].status();
    if (committed[i].ok()) {
      ApplyCommittedLocked(*group[i]->batch, *committed[i]);
    } else if (committed[i].status().code() == ErrorCode::kStoreConflict) {
      conflict = true;
    }
  }
  if (!conflict) return;
  // A refused decision may have rested on a directory that missed another writer's commit:
  // catch up, so that the request's next run decides on what the store holds.
  Result<bool> caught_up = CatchUpLocked();
  if (caught_up.ok()) return;
  for (Pending* p : group) {
    if (p->status.code() == ErrorCode::kStoreConflict) p->status = caught_up.status();
  }
}

void State::ApplyCommittedLocked(const WriteBatch& batch, int64_t committed) {
  if (!stale_ && sequence_ >= committed) return;  // the feed brought it already
  if (!stale_ && committed == sequence_ + 1) {
    directory_.Apply(batch);
    sequence_ = committed;
    return;
  }
  // Another writer's commits came first: apply theirs and this one from the feed, in order.
  if (Result<bool> caught_up = CatchUpLocked(); caught_up.ok() && sequence_ >= committed) {
    return;
  }
  // The feed cannot be read now. The caller must still read its own write: apply it, and
  // reload everything at the next catch-up.
  directory_.Apply(batch);
  stale_ = true;
}

Result<bool> State::CatchUp() {
  std::lock_guard<std::mutex> lock(commit_mu_);
  return CatchUpLocked();
}

Result<bool> State::CatchUpLocked() {
  if (stale_) {
    RETURN_IF_ERROR(LoadLocked());
    return true;
  }
  bool applied = false;
  while (true) {
    Result<std::vector<Change>> changes = store_.ChangesAfter(sequence_, kCatchUpBatch);
    if (!changes.ok()) return changes.status();
    for (const Change& change : *changes) {
      // A batch the feed no longer keeps (or cannot read): only a reload is complete.
      if (!change.writes) {
        RETURN_IF_ERROR(LoadLocked());
        return true;
      }
      directory_.Apply(WriteBatch{*change.writes});
      sequence_ = change.sequence;
      applied = true;
    }
    if (static_cast<int64_t>(changes->size()) < kCatchUpBatch) return applied;
  }
}

size_t State::waiting() const {
  std::lock_guard<std::mutex> lock(queue_mu_);
  return queue_.size();
}

int64_t State::sequence() const {
  std::lock_guard<std::mutex> lock(commit_mu_);
  return sequence_;
}

}  // namespace gatehouse::store
