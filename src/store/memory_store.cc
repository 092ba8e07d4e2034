#include "store/memory_store.h"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <type_traits>
#include <utility>

#include "core/strings.h"
#include "store/change_codec.h"
#include "store/memory_audit.h"
#include "store/memory_tables.h"
#include "store/precondition_check.h"

namespace gatehouse::store {

struct MemoryDatabase {
  struct Lease {
    std::string owner;
    int64_t expires_ms = 0;
  };

  std::mutex mu;
  std::condition_variable committed;  // notified by every commit
  MemoryTables tables;
  // The change feed: feed[i] holds the writes of batch i + 1, encoded (nullopt once pruned).
  std::vector<std::optional<std::string>> feed;
  std::map<std::pair<std::string, std::string>, Lease> leases;  // (queue, key) → lease
  MemoryAuditTables audit;

  int64_t sequence() const { return static_cast<int64_t>(feed.size()); }
};

namespace {

template <typename T>
Status CheckExpect(const MemoryTables& tables, const Expect<T>& e) {
  auto it = tables.records().find({RecordKind<T>::kName, e.key});
  return CheckStoredRecord(
      e, it == tables.records().end() ? std::nullopt : std::optional<std::string_view>(it->second));
}

// Whether `field` of the JSON `body` is `value` regardless of case, or a list holding it (what
// the SQL stores ask of json_each and jsonb_array_elements_text).
bool FieldHolds(std::string_view body, const std::string& field, const std::string& value) {
  const nlohmann::json record = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!record.is_object()) return false;
  auto it = record.find(field);
  if (it == record.end()) return false;
  auto is_value = [&value](const nlohmann::json& v) {
    if (v.is_null()) return false;
    return EqualsIgnoreCase(v.is_string() ? v.get_ref<const std::string&>() : v.dump(), value);
  };
  return it->is_array() ? std::any_of(it->begin(), it->end(), is_value) : is_value(*it);
}

template <typename T>
Status CheckExpectFewer(const MemoryTables& tables, const ExpectFewer<T>& e) {
  const std::string kind = RecordKind<T>::kName;
  int64_t count = 0;
  for (auto it = tables.records().lower_bound({kind, e.prefix});
       it != tables.records().end() && it->first.first == kind &&
       StartsWith(it->first.second, e.prefix);
       ++it) {
    if (e.field.empty() || FieldHolds(it->second, e.field, e.value)) ++count;
  }
  if (count >= e.limit) {
    return PreconditionFailed(std::to_string(count) + " " + kind + " under " + e.prefix);
  }
  return Status::Ok();
}

// How many rows of `table` belong to the user (account exact, user name regardless of case).
template <typename Row>
int64_t CountOfUser(const std::map<MemoryTables::UserRow, Row>& table,
                    const std::string& account_id, const std::string& user_name) {
  int64_t count = 0;
  for (auto it = table.lower_bound({account_id, "", ""});
       it != table.end() && std::get<0>(it->first) == account_id; ++it) {
    if (EqualsIgnoreCase(std::get<1>(it->first), user_name)) ++count;
  }
  return count;
}

Status CheckFewerOfUser(const MemoryTables& tables, const ExpectFewerOfUser& e) {
  int64_t count = 0;
  const char* table = "access_keys";
  if (e.table == UserTable::kAccessKeys) {
    for (const auto& [id, key] : tables.access_keys()) {
      if (key.account_id == e.account_id && EqualsIgnoreCase(key.user_name, e.user_name)) ++count;
    }
  } else if (e.table == UserTable::kInlinePolicies) {
    table = "user_policies";
    count = CountOfUser(tables.user_policies(), e.account_id, e.user_name);
  } else {
    table = "user_attached_policies";
    count = CountOfUser(tables.user_attachments(), e.account_id, e.user_name);
  }
  if (count >= e.limit) {
    return PreconditionFailed(std::to_string(count) + " " + table + " of " + e.user_name);
  }
  return Status::Ok();
}

Status CheckNoUserAttached(const MemoryTables& tables, const ExpectNoUserAttached& e) {
  const auto& attachments = tables.user_attachments();
  for (auto it = attachments.lower_bound({e.account_id, "", ""});
       it != attachments.end() && std::get<0>(it->first) == e.account_id; ++it) {
    if (std::get<2>(it->first) == e.policy_arn) {
      return PreconditionFailed(e.policy_arn + " is attached to users");
    }
  }
  return Status::Ok();
}

Status Check(const MemoryTables& tables, const Precondition& precondition) {
  return std::visit(
      [&tables](const auto& p) -> Status {
        using T = std::decay_t<decltype(p)>;
        if constexpr (IsExpect<T>::value) {
          return CheckExpect(tables, p);
        } else if constexpr (IsExpectFewer<T>::value) {
          return CheckExpectFewer(tables, p);
        } else if constexpr (std::is_same_v<T, ExpectUser>) {
          std::optional<model::User> stored = tables.FindUser(p.account_id, p.name);
          return CheckStoredUser(p, stored ? &*stored : nullptr);
        } else if constexpr (std::is_same_v<T, ExpectFewerOfUser>) {
          return CheckFewerOfUser(tables, p);
        } else {
          static_assert(std::is_same_v<T, ExpectNoUserAttached>);
          return CheckNoUserAttached(tables, p);
        }
      },
      precondition.get());
}

// Checks the preconditions, then applies the writes: all of them, or none.
Status Apply(MemoryTables& tables, const WriteBatch& batch) {
  for (const Precondition& p : batch.preconditions) RETURN_IF_ERROR(Check(tables, p));
  Status status;
  for (size_t i = 0; status.ok() && i < batch.writes.size(); ++i) {
    status = tables.Apply(batch.writes[i]);
  }
  if (status.ok()) status = tables.Finish();
  if (!status.ok()) {
    tables.Undo();
    return status;
  }
  tables.Keep();
  return status;
}

}  // namespace

std::shared_ptr<MemoryDatabase> MemoryStore::NewDatabase() {
  return std::make_shared<MemoryDatabase>();
}

MemoryStore::MemoryStore() : MemoryStore(NewDatabase()) {}

MemoryStore::MemoryStore(std::shared_ptr<MemoryDatabase> database)
    : database_(std::move(database)) {
  std::lock_guard lock(database_->mu);
  announced_ = database_->sequence();
}

MemoryStore::~MemoryStore() = default;

Result<StoreData> MemoryStore::LoadAll() {
  std::lock_guard lock(database_->mu);
  StoreData data = database_->tables.Load();
  data.sequence = database_->sequence();
  return data;
}

Status MemoryStore::Commit(const WriteBatch& batch) {
  MemoryDatabase& db = *database_;
  std::lock_guard lock(db.mu);
  RETURN_IF_ERROR(Apply(db.tables, batch));
  db.audit.Append(batch.audit);
  db.feed.push_back(EncodeWrites(batch.writes));
  const int64_t sequence = db.sequence();
  if (sequence % kFeedPruneEvery == 0) {
    // Earlier prunes forgot everything below their mark: stop at the first forgotten batch.
    for (int64_t s = sequence - kFeedKept; s >= 1 && db.feed[s - 1].has_value(); --s) {
      db.feed[s - 1].reset();
    }
  }
  last_commit_sequence_ = sequence;
  db.committed.notify_all();
  return Status::Ok();
}

Result<int64_t> MemoryStore::LatestSequence() {
  std::lock_guard lock(database_->mu);
  return database_->sequence();
}

Result<std::vector<Change>> MemoryStore::ChangesAfter(int64_t sequence, int64_t limit) {
  std::lock_guard lock(database_->mu);
  std::vector<Change> changes;
  for (int64_t s = std::max<int64_t>(sequence, 0) + 1;
       s <= database_->sequence() && static_cast<int64_t>(changes.size()) < limit; ++s) {
    changes.push_back(ReadChange(s, database_->feed[s - 1]));
  }
  return changes;
}

Result<std::vector<std::string>> MemoryStore::ClaimWork(const std::string& queue,
                                                        const std::vector<std::string>& keys,
                                                        const std::string& owner, int64_t now_ms,
                                                        int64_t lease_ms) {
  std::lock_guard lock(database_->mu);
  std::vector<std::string> claimed;
  for (const std::string& key : keys) {
    auto [it, unleased] = database_->leases.try_emplace({queue, key});
    MemoryDatabase::Lease& lease = it->second;
    if (unleased || lease.owner == owner || lease.expires_ms <= now_ms) {
      lease = {owner, now_ms + lease_ms};
      claimed.push_back(key);
    }
  }
  return claimed;
}

Status MemoryStore::FinishWork(const std::string& queue, const std::vector<std::string>& keys,
                               const std::string& owner) {
  std::lock_guard lock(database_->mu);
  for (const std::string& key : keys) {
    auto it = database_->leases.find({queue, key});
    if (it != database_->leases.end() && it->second.owner == owner) database_->leases.erase(it);
  }
  return Status::Ok();
}

bool MemoryStore::WaitForChange(std::chrono::milliseconds timeout) {
  std::unique_lock lock(database_->mu);
  const bool announced = database_->committed.wait_for(lock, timeout, [this] {
    return database_->sequence() > std::max<int64_t>(announced_, last_commit_sequence_);
  });
  announced_ = database_->sequence();
  return announced;
}

// The audit log (store/memory_audit.h), under the database's mutex.
Status MemoryStore::AppendAudit(const std::vector<model::AuditEntry>& entries) {
  std::lock_guard lock(database_->mu);
  database_->audit.Append(entries);
  return Status::Ok();
}

Result<std::vector<AuditRow>> MemoryStore::LookupAudit(const AuditQuery& query) {
  std::lock_guard lock(database_->mu);
  return database_->audit.Lookup(query);
}

Status MemoryStore::PruneAudit(int64_t before_ms) {
  std::lock_guard lock(database_->mu);
  database_->audit.Prune(before_ms);
  return Status::Ok();
}

Result<std::vector<model::AuditBody>> MemoryStore::AuditEvents(int64_t first_seq,
                                                               int64_t last_seq) {
  std::lock_guard lock(database_->mu);
  return database_->audit.Bodies(first_seq, last_seq);
}

Result<int64_t> MemoryStore::LatestAuditSeq() {
  std::lock_guard lock(database_->mu);
  return database_->audit.Latest();
}

Result<std::vector<model::AuditDigest>> MemoryStore::AuditDigests() {
  std::lock_guard lock(database_->mu);
  return database_->audit.Digests();
}

Status MemoryStore::AppendAuditDigest(const model::AuditDigest& digest) {
  std::lock_guard lock(database_->mu);
  return database_->audit.AppendDigest(digest);
}

}  // namespace gatehouse::store
