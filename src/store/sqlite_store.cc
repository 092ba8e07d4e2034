#include "store/sqlite_store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <type_traits>
#include <utility>

#include "store/audit_entry_codec.h"
#include "store/change_codec.h"
#include "store/migrations.h"
#include "store/precondition_check.h"
#include "store/record_codec.h"
#include "store/sqlite_audit.h"
#include "store/sqlite_statement.h"

namespace gatehouse::store {
namespace {

using sqlite::Failure;
using sqlite::NowMs;
using sqlite::Run;
using sqlite::Statement;
using sqlite::StatementCache;

Status Apply(StatementCache& statements, const Write& write) {
  return std::visit(
      [&statements, db = statements.db()](const auto& w) -> Status {
        using T = std::decay_t<decltype(w)>;
        if constexpr (IsPut<T>::value) {
          using Value = typename T::Type;
          Statement s(statements, w.create ? "INSERT INTO records (kind, key, body) VALUES (?,?,?)"
                                           : "INSERT OR REPLACE INTO records (kind, key, body) "
                                             "VALUES (?,?,?)");
          s.Bind(1, std::string(RecordKind<Value>::kName))
              .Bind(2, w.value.Key())
              .Bind(3, EncodeRecord(w.value));
          return Run(db, s);
        } else if constexpr (IsErase<T>::value) {
          Statement s(statements, "DELETE FROM records WHERE kind = ? AND key = ?");
          s.Bind(1, std::string(RecordKind<typename T::Type>::kName)).Bind(2, w.key);
          return Run(db, s);
        } else if constexpr (std::is_same_v<T, InsertAccount>) {
          Statement s(statements,
                      "INSERT INTO accounts (id, name, email, created_ms) VALUES (?,?,?,?)");
          s.Bind(1, w.account.id)
              .Bind(2, w.account.name)
              .Bind(3, w.account.email)
              .Bind(4, w.account.created_ms);
          return Run(db, s);
        } else if constexpr (std::is_same_v<T, InsertRootUser>) {
          Statement s(statements,
                      "INSERT INTO root_users (account_id, email, password_hash) "
                      "VALUES (?,?,?)");
          s.Bind(1, w.root.account_id).Bind(2, w.root.email).Bind(3, w.root.password_hash);
          return Run(db, s);
        } else if constexpr (std::is_same_v<T, InsertUser>) {
          Statement s(statements,
                      "INSERT INTO users (account_id, name, path, id, created_ms) "
                      "VALUES (?,?,?,?,?)");
          s.Bind(1, w.user.account_id)
              .Bind(2, w.user.name)
              .Bind(3, w.user.path)
              .Bind(4, w.user.id)
              .Bind(5, w.user.created_ms);
          return Run(db, s);
        } else if constexpr (std::is_same_v<T, DeleteUser>) {
          Statement s(statements, "DELETE FROM users WHERE account_id = ? AND name = ?");
          s.Bind(1, w.account_id).Bind(2, w.name);
          return Run(db, s);
        } else if constexpr (std::is_same_v<T, UpdateUser>) {
          // The user's rows in every table follow the rename; the foreign keys are checked at
          // commit, when all of them agree again.
          if (sqlite3_exec(db, "PRAGMA defer_foreign_keys=ON", nullptr, nullptr, nullptr) !=
              SQLITE_OK) {
            return Failure(db, "defer_foreign_keys");
          }
          Statement user(statements,
                         "UPDATE users SET name = ?, path = ? WHERE account_id = ? AND "
                         "name = ?");
          user.Bind(1, w.new_name).Bind(2, w.new_path).Bind(3, w.account_id).Bind(4, w.name);
          if (Status s = Run(db, user); !s.ok()) return s;
          for (const char* table :
               {"access_keys", "user_policies", "user_attached_policies", "user_tags"}) {
            std::string sql = std::string("UPDATE ") + table +
                              " SET user_name = ? WHERE account_id = ? AND user_name = ?";
            Statement child(statements, sql.c_str());
            child.Bind(1, w.new_name).Bind(2, w.account_id).Bind(3, w.name);
            if (Status s = Run(db, child); !s.ok()) return s;
          }
          return Status::Ok();
        } else if constexpr (std::is_same_v<T, SetUserTags>) {
          Statement clear(statements,
                          "DELETE FROM user_tags WHERE account_id = ? AND user_name = ?");
          clear.Bind(1, w.account_id).Bind(2, w.user_name);
          if (Status s = Run(db, clear); !s.ok()) return s;
          for (size_t i = 0; i < w.tags.size(); ++i) {
            Statement put(statements,
                          "INSERT INTO user_tags (account_id, user_name, position, tag_key, "
                          "tag_value) VALUES (?,?,?,?,?)");
            put.Bind(1, w.account_id)
                .Bind(2, w.user_name)
                .Bind(3, static_cast<int64_t>(i))
                .Bind(4, w.tags[i].key)
                .Bind(5, w.tags[i].value);
            if (Status s = Run(db, put); !s.ok()) return s;
          }
          return Status::Ok();
        } else if constexpr (std::is_same_v<T, InsertAccessKey>) {
          Statement s(statements,
                      "INSERT INTO access_keys (id, account_id, user_name, sealed_secret, "
                      "status, created_ms) VALUES (?,?,?,?,?,?)");
          s.Bind(1, w.key.id)
              .Bind(2, w.key.account_id)
              .Bind(3, w.key.user_name)
              .BindBlob(4, w.key.sealed_secret)
              .Bind(5, std::string(w.key.status == model::AccessKeyStatus::kActive ? "Active"
                                                                                   : "Inactive"))
              .Bind(6, w.key.created_ms);
          return Run(db, s);
        } else if constexpr (std::is_same_v<T, DeleteAccessKey>) {
          Statement usage(statements, "DELETE FROM access_key_last_used WHERE access_key_id = ?");
          usage.Bind(1, w.id);
          if (Status s = Run(db, usage); !s.ok()) return s;
          Statement s(statements, "DELETE FROM access_keys WHERE id = ?");
          s.Bind(1, w.id);
          return Run(db, s);
        } else if constexpr (std::is_same_v<T, SetAccessKeyStatus>) {
          Statement s(statements, "UPDATE access_keys SET status = ? WHERE id = ?");
          s.Bind(1,
                 std::string(w.status == model::AccessKeyStatus::kActive ? "Active" : "Inactive"))
              .Bind(2, w.id);
          return Run(db, s);
        } else if constexpr (std::is_same_v<T, SetAccessKeyLastUsed>) {
          Statement s(statements,
                      "INSERT OR REPLACE INTO access_key_last_used (access_key_id, used_ms, "
                      "service, region) VALUES (?,?,?,?)");
          s.Bind(1, w.usage.access_key_id)
              .Bind(2, w.usage.used_ms)
              .Bind(3, w.usage.service)
              .Bind(4, w.usage.region);
          return Run(db, s);
        } else if constexpr (std::is_same_v<T, InsertRootResetToken>) {
          Statement s(statements,
                      "INSERT INTO root_reset_tokens (token_hash, account_id, expires_ms) "
                      "VALUES (?,?,?)");
          s.Bind(1, w.token.token_hash).Bind(2, w.token.account_id).Bind(3, w.token.expires_ms);
          return Run(db, s);
        } else if constexpr (std::is_same_v<T, ResetRootPassword>) {
          Statement spend(statements,
                          "DELETE FROM root_reset_tokens WHERE token_hash = ? AND "
                          "account_id = ?");
          spend.Bind(1, w.token_hash).Bind(2, w.account_id);
          if (Status s = Run(db, spend); !s.ok()) return s;
          if (sqlite3_changes(db) == 0) {
            return Status(ErrorCode::kNoSuchEntity, "the password-reset token is spent");
          }
          Statement others(statements, "DELETE FROM root_reset_tokens WHERE account_id = ?");
          others.Bind(1, w.account_id);
          if (Status s = Run(db, others); !s.ok()) return s;
          Statement set(statements, "UPDATE root_users SET password_hash = ? WHERE account_id = ?");
          set.Bind(1, w.password_hash).Bind(2, w.account_id);
          return Run(db, set);
        } else if constexpr (std::is_same_v<T, PutUserPolicy>) {
          Statement s(statements,
                      "INSERT OR REPLACE INTO user_policies (account_id, user_name, name, "
                      "document) VALUES (?,?,?,?)");
          s.Bind(1, w.policy.account_id)
              .Bind(2, w.policy.user_name)
              .Bind(3, w.policy.name)
              .Bind(4, w.policy.document);
          return Run(db, s);
        } else if constexpr (std::is_same_v<T, DeleteUserPolicy>) {
          Statement s(statements,
                      "DELETE FROM user_policies WHERE account_id = ? AND user_name = ? AND "
                      "name = ?");
          s.Bind(1, w.account_id).Bind(2, w.user_name).Bind(3, w.name);
          return Run(db, s);
        } else if constexpr (std::is_same_v<T, AttachUserPolicy>) {
          Statement s(statements,
                      "INSERT INTO user_attached_policies (account_id, user_name, "
                      "policy_arn) VALUES (?,?,?)");
          s.Bind(1, w.attachment.account_id)
              .Bind(2, w.attachment.user_name)
              .Bind(3, w.attachment.policy_arn);
          return Run(db, s);
        } else {
          static_assert(std::is_same_v<T, DetachUserPolicy>);
          Statement s(statements,
                      "DELETE FROM user_attached_policies WHERE account_id = ? AND "
                      "user_name = ? AND policy_arn = ?");
          s.Bind(1, w.attachment.account_id)
              .Bind(2, w.attachment.user_name)
              .Bind(3, w.attachment.policy_arn);
          return Run(db, s);
        }
      },
      write.get());
}

Status Conflict(const std::string& what) {
  return Status(ErrorCode::kStoreConflict, "precondition failed: " + what);
}

// The smallest string greater than every string that starts with `prefix` ("" when none is).
std::string PrefixEnd(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xff) prefix.pop_back();
  if (!prefix.empty()) prefix.back() = static_cast<char>(prefix.back() + 1);
  return prefix;
}

// Whether the record of kind T at `key` is `expected` (store/precondition_check.h), or absent
// when `expected` is nullopt.
template <typename T>
Status CheckExpect(StatementCache& statements, const Expect<T>& e) {
  sqlite3* const db = statements.db();
  Statement s(statements, "SELECT body FROM records WHERE kind = ? AND key = ?");
  if (!s.ok()) return Failure(db, "prepare");
  s.Bind(1, std::string(RecordKind<T>::kName)).Bind(2, e.key);
  int rc = s.Step();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return Failure(db, "read");
  const std::string body = rc == SQLITE_ROW ? s.Text(0) : "";
  return CheckStoredRecord(e,
                           rc == SQLITE_ROW ? std::optional<std::string_view>(body) : std::nullopt);
}

template <typename T>
Status CheckExpectFewer(StatementCache& statements, const ExpectFewer<T>& e) {
  sqlite3* const db = statements.db();
  std::string sql = "SELECT COUNT(*) FROM records WHERE kind = ?1 AND key >= ?2";
  const std::string end = PrefixEnd(e.prefix);
  if (!end.empty()) sql += " AND key < ?3";
  // json_each yields a scalar field's value, or each element of an array field.
  if (!e.field.empty()) {
    sql += " AND EXISTS (SELECT 1 FROM json_each(body, ?4) WHERE lower(value) = lower(?5))";
  }
  Statement s(statements, sql.c_str());
  if (!s.ok()) return Failure(db, "prepare");
  s.Bind(1, std::string(RecordKind<T>::kName)).Bind(2, e.prefix);
  if (!end.empty()) s.Bind(3, end);
  if (!e.field.empty()) s.Bind(4, "$." + e.field).Bind(5, e.value);
  if (s.Step() != SQLITE_ROW) return Failure(db, "count");
  if (s.Int(0) >= e.limit) {
    return Conflict(std::to_string(s.Int(0)) + " " + RecordKind<T>::kName + " under " + e.prefix);
  }
  return Status::Ok();
}

Status CheckUser(StatementCache& statements, const ExpectUser& e) {
  sqlite3* const db = statements.db();
  Statement s(statements,
              "SELECT name, path, id, created_ms FROM users WHERE account_id = ? AND "
              "lower(name) = lower(?)");
  if (!s.ok()) return Failure(db, "prepare");
  s.Bind(1, e.account_id).Bind(2, e.name);
  int rc = s.Step();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return Failure(db, "read");
  if (rc == SQLITE_DONE) return CheckStoredUser(e, nullptr);
  model::User stored{e.account_id, s.Text(0), s.Text(1), s.Text(2), s.Int(3), {}};
  Statement tags(statements,
                 "SELECT tag_key, tag_value FROM user_tags WHERE account_id = ? AND "
                 "user_name = ? ORDER BY position");
  if (!tags.ok()) return Failure(db, "prepare");
  tags.Bind(1, e.account_id).Bind(2, stored.name);
  while ((rc = tags.Step()) == SQLITE_ROW) stored.tags.push_back({tags.Text(0), tags.Text(1)});
  if (rc != SQLITE_DONE) return Failure(db, "read");
  return CheckStoredUser(e, &stored);
}

Status CheckFewerOfUser(StatementCache& statements, const ExpectFewerOfUser& e) {
  sqlite3* const db = statements.db();
  const char* table = e.table == UserTable::kAccessKeys       ? "access_keys"
                      : e.table == UserTable::kInlinePolicies ? "user_policies"
                                                              : "user_attached_policies";
  std::string sql = std::string("SELECT COUNT(*) FROM ") + table +
                    " WHERE account_id = ? AND lower(user_name) = lower(?)";
  Statement s(statements, sql.c_str());
  if (!s.ok()) return Failure(db, "prepare");
  s.Bind(1, e.account_id).Bind(2, e.user_name);
  if (s.Step() != SQLITE_ROW) return Failure(db, "count");
  if (s.Int(0) >= e.limit) {
    return Conflict(std::to_string(s.Int(0)) + " " + table + " of " + e.user_name);
  }
  return Status::Ok();
}

Status CheckNoUserAttached(StatementCache& statements, const ExpectNoUserAttached& e) {
  sqlite3* const db = statements.db();
  Statement s(statements,
              "SELECT COUNT(*) FROM user_attached_policies WHERE account_id = ? AND "
              "policy_arn = ?");
  if (!s.ok()) return Failure(db, "prepare");
  s.Bind(1, e.account_id).Bind(2, e.policy_arn);
  if (s.Step() != SQLITE_ROW) return Failure(db, "count");
  if (s.Int(0) > 0) return Conflict(e.policy_arn + " is attached to users");
  return Status::Ok();
}

Status Check(StatementCache& statements, const Precondition& precondition) {
  return std::visit(
      [&statements](const auto& p) -> Status {
        using T = std::decay_t<decltype(p)>;
        if constexpr (IsExpect<T>::value) {
          return CheckExpect(statements, p);
        } else if constexpr (IsExpectFewer<T>::value) {
          return CheckExpectFewer(statements, p);
        } else if constexpr (std::is_same_v<T, ExpectUser>) {
          return CheckUser(statements, p);
        } else if constexpr (std::is_same_v<T, ExpectFewerOfUser>) {
          return CheckFewerOfUser(statements, p);
        } else {
          static_assert(std::is_same_v<T, ExpectNoUserAttached>);
          return CheckNoUserAttached(statements, p);
        }
      },
      precondition.get());
}

// Whether the batch renames a user (which defers the foreign keys to the transaction's end).
bool RenamesUser(const WriteBatch& batch) {
  for (const Write& w : batch.writes) {
    if (std::holds_alternative<UpdateUser>(w.get())) return true;
  }
  return false;
}

// Checks and writes one batch inside the open transaction and appends it to the change feed;
// `sequence` receives its number.
Status CommitBatch(StatementCache& statements, const WriteBatch& batch, int64_t synced_mark,
                   int64_t* sequence) {
  sqlite3* const db = statements.db();
  for (const Precondition& p : batch.preconditions) RETURN_IF_ERROR(Check(statements, p));
  for (const Write& w : batch.writes) RETURN_IF_ERROR(Apply(statements, w));
  // The batch's events ride in its row of the feed (store/sqlite_audit.h).
  Statement change(statements,
                   "INSERT INTO changes (committed_ms, writes, audit) VALUES (?, ?, ?)");
  change.Bind(1, NowMs()).Bind(2, EncodeWrites(batch.writes));
  if (!batch.packed_audit.empty()) {
    change.BindBlob(3, batch.packed_audit);
  } else if (!batch.audit.empty()) {
    change.BindBlob(3, PackAuditEntries(batch.audit));
  }
  RETURN_IF_ERROR(Run(db, change));
  *sequence = sqlite3_last_insert_rowid(db);
  if (*sequence % kFeedPruneEvery == 0) {
    // As PostgreSQL's (store/pg_group_commit.cc): from after the last batch forgotten.
    Statement prune(statements,
                    // A row's events go with its writes once the audit log has adopted them
                    // and they are on the disk (store/sqlite_store.h, synced_mark_); a log that
                    // lags that far behind keeps its own.
                    "UPDATE changes SET writes = NULL, audit = CASE WHEN seq <= ?2 THEN NULL "
                    "ELSE audit END WHERE seq <= ?1 AND "
                    "writes IS NOT NULL AND "
                    "seq > COALESCE((SELECT seq FROM changes WHERE seq <= ?1 AND writes IS NULL "
                    "ORDER BY seq DESC LIMIT 1), 0)");
    prune.Bind(1, *sequence - kFeedKept).Bind(2, synced_mark);
    RETURN_IF_ERROR(Run(db, prune));
  }
  return Status::Ok();
}

}  // namespace

namespace {

// The name and flags that open the database at `path` on each of the store's two connections:
// an in-memory one is named, and shared between them, where ":memory:" would give each its own.
std::pair<std::string, int> OpenedAs(const std::string& path) {
  // NOMUTEX: every use of a connection holds its lock already; SQLite's own lock around each
  // call (a dozen per appended event) would only cost time.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (path != ":memory:") return {path, flags};
  static std::atomic<int> serial{0};
  return {"file:gatehouse-memory-" + std::to_string(::getpid()) + "-" + std::to_string(serial++) +
              "?mode=memory&cache=shared",
          flags | SQLITE_OPEN_URI};
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path) {
  sqlite3* db = nullptr;
  const auto [name, flags] = OpenedAs(path);
  int rc = sqlite3_open_v2(name.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status s(ErrorCode::kServiceFailure,
             "cannot open " + path + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
    sqlite3_close(db);
    return s;
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(db));
  sqlite3_busy_timeout(db, 5000);
  // A 64 MiB page cache for the entities and the feed (the audit file has one of its own,
  // store/sqlite_audit.h): SQLite's default (2 MiB) would send most reads to the disk.
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                             "PRAGMA foreign_keys=ON", "PRAGMA cache_size=-65536"}) {
    if (sqlite3_exec(db, pragma, nullptr, nullptr, nullptr) != SQLITE_OK) {
      return Failure(db, pragma);
    }
  }
  if (Status s = store->Migrate(); !s.ok()) return s;
  if (Status s = store->OpenAuditLog(path, name, flags); !s.ok()) return s;
  return store;
}

SqliteStore::~SqliteStore() {
  // Their statements must be finalized before the connections close.
  audit_append_.reset();
  statements_.Clear();
  sqlite3_close(audit_db_);
  sqlite3_close(db_);
}

Status SqliteStore::Migrate() {
  if (sqlite3_exec(db_,
                   "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                   "applied_ms BIGINT NOT NULL)",
                   nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Failure(db_, "schema_migrations");
  }
  Statement current(db_, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!current.ok() || current.Step() != SQLITE_ROW) return Failure(db_, "schema version");
  schema_version_ = static_cast<int>(current.Int(0));
  if (schema_version_ > static_cast<int>(kMigrations.size())) {
    return Status(ErrorCode::kServiceFailure,
                  "the data directory was written by a newer gatehouse (schema version " +
                      std::to_string(schema_version_) + ")");
  }
  for (size_t v = schema_version_ + 1; v <= kMigrations.size(); ++v) {
    std::string sql = "BEGIN IMMEDIATE;" + std::string(kMigrations[v - 1]) +
                      "INSERT INTO schema_migrations (version, applied_ms) VALUES (" +
                      std::to_string(v) + ", " + std::to_string(NowMs()) + ");COMMIT;";
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
      Status s = Failure(db_, "migration " + std::to_string(v));
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return s;
    }
    schema_version_ = static_cast<int>(v);
  }
  return Status::Ok();
}

Result<StoreData> SqliteStore::LoadAll() {
  std::lock_guard<std::mutex> lock(mu_);
  // One read transaction: every table, and the sequence, from the same snapshot, whatever
  // another process commits meanwhile.
  if (sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Failure(db_, "begin");
  }
  struct EndRead {
    sqlite3* db;
    ~EndRead() { sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr); }
  } end_read{db_};
  StoreData data;
  Statement accounts(db_, "SELECT id, name, email, created_ms FROM accounts");
  while (accounts.ok() && accounts.Step() == SQLITE_ROW) {
    data.accounts.push_back(
        {accounts.Text(0), accounts.Text(1), accounts.Text(2), accounts.Int(3)});
  }
  Statement roots(db_, "SELECT account_id, email, password_hash FROM root_users");
  while (roots.ok() && roots.Step() == SQLITE_ROW) {
    data.roots.push_back({roots.Text(0), roots.Text(1), roots.Text(2)});
  }
  Statement users(db_, "SELECT account_id, name, path, id, created_ms FROM users");
  while (users.ok() && users.Step() == SQLITE_ROW) {
    data.users.push_back(
        {users.Text(0), users.Text(1), users.Text(2), users.Text(3), users.Int(4), {}});
  }
  Statement tags(db_,
                 "SELECT account_id, user_name, tag_key, tag_value FROM user_tags "
                 "ORDER BY account_id, user_name, position");
  while (tags.ok() && tags.Step() == SQLITE_ROW) {
    for (model::User& u : data.users) {
      if (u.account_id == tags.Text(0) && u.name == tags.Text(1)) {
        u.tags.push_back({tags.Text(2), tags.Text(3)});
      }
    }
  }
  Statement keys(db_,
                 "SELECT id, account_id, user_name, sealed_secret, status, created_ms "
                 "FROM access_keys");
  while (keys.ok() && keys.Step() == SQLITE_ROW) {
    data.access_keys.push_back({keys.Text(0), keys.Text(1), keys.Text(2), keys.Text(3),
                                keys.Text(4) == "Active" ? model::AccessKeyStatus::kActive
                                                         : model::AccessKeyStatus::kInactive,
                                keys.Int(5)});
  }
  Statement policies(db_, "SELECT account_id, user_name, name, document FROM user_policies");
  while (policies.ok() && policies.Step() == SQLITE_ROW) {
    data.user_policies.push_back(
        {policies.Text(0), policies.Text(1), policies.Text(2), policies.Text(3)});
  }
  Statement attached(db_, "SELECT account_id, user_name, policy_arn FROM user_attached_policies");
  while (attached.ok() && attached.Step() == SQLITE_ROW) {
    data.user_attachments.push_back({attached.Text(0), attached.Text(1), attached.Text(2)});
  }
  Statement tokens(db_, "SELECT token_hash, account_id, expires_ms FROM root_reset_tokens");
  while (tokens.ok() && tokens.Step() == SQLITE_ROW) {
    data.root_reset_tokens.push_back({tokens.Text(0), tokens.Text(1), tokens.Int(2)});
  }
  Statement usage(db_, "SELECT access_key_id, used_ms, service, region FROM access_key_last_used");
  while (usage.ok() && usage.Step() == SQLITE_ROW) {
    data.key_usage.push_back({usage.Text(0), usage.Int(1), usage.Text(2), usage.Text(3)});
  }
  Statement records(db_, "SELECT kind, key, body FROM records ORDER BY kind, key");
  while (records.ok() && records.Step() == SQLITE_ROW) {
    data.records.push_back({records.Text(0), records.Text(1), records.Text(2)});
  }
  Statement seq(db_, "SELECT COALESCE(MAX(seq), 0) FROM changes");
  if (!seq.ok() || seq.Step() != SQLITE_ROW) return Failure(db_, "load");
  data.sequence = seq.Int(0);
  return data;
}

Status SqliteStore::Commit(const WriteBatch& batch) { return CommitGroup({&batch})[0].status(); }

std::string SqliteStore::PackAudit(const std::vector<model::AuditEntry>& events) const {
  return PackAuditEntries(events);
}

std::vector<Result<int64_t>> SqliteStore::CommitGroup(
    const std::vector<const WriteBatch*>& batches) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Result<int64_t>> out;
  out.reserve(batches.size());
  // A rename defers the foreign keys to the end of its transaction, where a violation would
  // fail every batch of the group: it gets a transaction of its own.
  for (size_t begin = 0; begin < batches.size();) {
    size_t end = begin + 1;
    if (!RenamesUser(*batches[begin])) {
      while (end < batches.size() && !RenamesUser(*batches[end])) ++end;
    }
    std::vector<Result<int64_t>> part;
    try {
      part = CommitTogether(
          std::vector<const WriteBatch*>(batches.begin() + static_cast<ptrdiff_t>(begin),
                                         batches.begin() + static_cast<ptrdiff_t>(end)));
    } catch (...) {
      // A transaction left open would refuse every later BEGIN: end it, then let the caller
      // know (State reloads from what the store holds).
      if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
    for (Result<int64_t>& r : part) out.push_back(std::move(r));
    begin = end;
  }
  return out;
}

std::vector<Result<int64_t>> SqliteStore::CommitTogether(
    const std::vector<const WriteBatch*>& batches) {
  auto fail_all = [&](const Status& s) { return std::vector<Result<int64_t>>(batches.size(), s); };
  // The transaction's own statements come from the cache too: sqlite3_exec prepares each anew.
  auto exec = [this](std::string_view sql) {
    Statement s(statements_, sql);
    return s.ok() ? s.Step() : sqlite3_errcode(db_);
  };
  if (exec("BEGIN IMMEDIATE") != SQLITE_DONE) {
    return fail_all(Failure(db_, "begin"));
  }
  std::vector<Result<int64_t>> out;
  Status broken;  // the transaction itself failed
  bool any = false;
  for (const WriteBatch* batch : batches) {
    if (exec("SAVEPOINT batch") != SQLITE_DONE) {
      broken = Failure(db_, "savepoint");
      break;
    }
    int64_t sequence = 0;
    Status status = CommitBatch(statements_, *batch, synced_mark_.load(), &sequence);
    if (!status.ok() && exec("ROLLBACK TO batch") != SQLITE_DONE) {
      broken = Failure(db_, "rollback to savepoint");
      break;
    }
    if (exec("RELEASE batch") != SQLITE_DONE) {
      broken = Failure(db_, "release savepoint");
      break;
    }
    any = any || status.ok();
    out.push_back(status.ok() ? Result<int64_t>(sequence) : Result<int64_t>(status));
  }
  if (broken.ok() && any && exec("COMMIT") != SQLITE_DONE) {
    broken = Failure(db_, "commit");
  }
  if (!broken.ok() || !any) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  if (!broken.ok()) return fail_all(broken);
  for (const Result<int64_t>& r : out) {
    if (r.ok()) last_commit_sequence_ = *r;
  }
  return out;
}

Result<int64_t> SqliteStore::LatestSequence() {
  std::lock_guard<std::mutex> lock(mu_);
  Statement seq(statements_, "SELECT COALESCE(MAX(seq), 0) FROM changes");
  if (!seq.ok() || seq.Step() != SQLITE_ROW) return Failure(db_, "sequence");
  return seq.Int(0);
}

Result<std::vector<Change>> SqliteStore::ChangesAfter(int64_t sequence, int64_t limit) {
  std::lock_guard<std::mutex> lock(mu_);
  Statement rows(statements_, "SELECT seq, writes FROM changes WHERE seq > ? ORDER BY seq LIMIT ?");
  if (!rows.ok()) return Failure(db_, "changes");
  rows.Bind(1, sequence).Bind(2, limit);
  std::vector<Change> changes;
  int step;
  while ((step = rows.Step()) == SQLITE_ROW) {
    changes.push_back(
        ReadChange(rows.Int(0), rows.Null(1) ? std::nullopt : std::optional(rows.Text(1))));
  }
  if (step != SQLITE_DONE) return Failure(db_, "changes");
  return changes;
}

// One writer at a time (BEGIN IMMEDIATE) is SQLite's form of SKIP LOCKED: no other claim runs
// meanwhile.
Result<std::vector<std::string>> SqliteStore::ClaimWork(const std::string& queue,
                                                        const std::vector<std::string>& keys,
                                                        const std::string& owner, int64_t now_ms,
                                                        int64_t lease_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Failure(db_, "begin");
  }
  std::vector<std::string> claimed;
  Status status;
  for (const std::string& key : keys) {
    Statement claim(statements_,
                    "INSERT INTO work_leases (queue, key, owner, expires_ms) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (queue, key) DO UPDATE SET owner = excluded.owner, "
                    "expires_ms = excluded.expires_ms "
                    "WHERE work_leases.owner = excluded.owner OR work_leases.expires_ms <= ?");
    claim.Bind(1, queue).Bind(2, key).Bind(3, owner).Bind(4, now_ms + lease_ms).Bind(5, now_ms);
    status = Run(db_, claim);
    if (!status.ok()) break;
    if (sqlite3_changes(db_) == 1) claimed.push_back(key);
  }
  if (status.ok() && sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    status = Failure(db_, "commit");
  }
  if (!status.ok()) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return status;
  }
  return claimed;
}

Status SqliteStore::FinishWork(const std::string& queue, const std::vector<std::string>& keys,
                               const std::string& owner) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& key : keys) {
    Statement done(statements_,
                   "DELETE FROM work_leases WHERE queue = ? AND key = ? AND owner = ?");
    done.Bind(1, queue).Bind(2, key).Bind(3, owner);
    RETURN_IF_ERROR(Run(db_, done));
  }
  return Status::Ok();
}

}  // namespace gatehouse::store
