#include "store/pg_batch_sql.h"

#include <string>
#include <type_traits>
#include <variant>

#include "core/crypto.h"
#include "store/precondition_check.h"
#include "store/record_codec.h"

namespace gatehouse::store::pg {
namespace {

std::string KeyStatus(model::AccessKeyStatus status) {
  return status == model::AccessKeyStatus::kActive ? "Active" : "Inactive";
}

void UpdateUserRows(const UpdateUser& w, std::vector<Sql>& out) {
  out.push_back({"SET CONSTRAINTS ALL DEFERRED"});
  out.push_back({"UPDATE users SET name = $1, path = $2 WHERE account_id = $3 AND name = $4",
                 {w.new_name, w.new_path, w.account_id, w.name}});
  for (const char* table :
       {"access_keys", "user_policies", "user_attached_policies", "user_tags"}) {
    out.push_back({std::string("UPDATE ") + table +
                       " SET user_name = $1 WHERE account_id = $2 AND user_name = $3",
                   {w.new_name, w.account_id, w.name}});
  }
}

void SetTags(const SetUserTags& w, std::vector<Sql>& out) {
  out.push_back({"DELETE FROM user_tags WHERE account_id = $1 AND user_name = $2",
                 {w.account_id, w.user_name}});
  for (size_t i = 0; i < w.tags.size(); ++i) {
    out.push_back(
        {"INSERT INTO user_tags (account_id, user_name, position, tag_key, "
         "tag_value) VALUES ($1, $2, $3, $4, $5)",
         {w.account_id, w.user_name, std::to_string(i), w.tags[i].key, w.tags[i].value}});
  }
}

void SpendResetToken(const ResetRootPassword& w, std::vector<Sql>& out) {
  out.push_back({"DELETE FROM root_reset_tokens WHERE token_hash = $1 AND account_id = $2",
                 {w.token_hash, w.account_id},
                 /*must_change=*/true});
  out.push_back({"DELETE FROM root_reset_tokens WHERE account_id = $1", {w.account_id}});
  out.push_back({"UPDATE root_users SET password_hash = $1 WHERE account_id = $2",
                 {w.password_hash, w.account_id}});
}

// The batch's writes of the generic records (record_kinds.def).
template <typename T>
Sql PutRecord(const Put<T>& w) {
  return {w.create ? "INSERT INTO records (kind, key, body) VALUES ($1, $2, $3)"
                   : "INSERT INTO records (kind, key, body) VALUES ($1, $2, $3) "
                     "ON CONFLICT (kind, key) DO UPDATE SET body = EXCLUDED.body",
          {RecordKind<T>::kName, w.value.Key(), EncodeRecord(w.value)}};
}

Status Conflict(const std::string& what) {
  return Status(ErrorCode::kStoreConflict, "precondition failed: " + what);
}

// As SqliteStore's (store/precondition_check.h).
template <typename T>
Status CheckExpect(pg_conn* conn, const Expect<T>& e) {
  std::unique_ptr<PgResult> r = Exec(conn, "SELECT body FROM records WHERE kind = $1 AND key = $2",
                                     {RecordKind<T>::kName, e.key});
  if (!r->ok()) return Failure(*r, "read");
  const std::string body = r->rows() == 0 ? "" : r->Text(0, 0);
  return CheckStoredRecord(e,
                           r->rows() == 0 ? std::nullopt : std::optional<std::string_view>(body));
}

template <typename T>
Status CheckExpectFewer(pg_conn* conn, const ExpectFewer<T>& e) {
  // starts_with compares bytes, whatever the database's collation. A field counts when it is
  // the value, or a list holding it.
  std::unique_ptr<PgResult> r =
      e.field.empty()
          ? Exec(conn, "SELECT COUNT(*) FROM records WHERE kind = $1 AND starts_with(key, $2)",
                 {RecordKind<T>::kName, e.prefix})
          : Exec(conn,
                 "SELECT COUNT(*) FROM records WHERE kind = $1 AND starts_with(key, $2) AND "
                 "EXISTS (SELECT 1 FROM jsonb_array_elements_text(CASE WHEN "
                 "jsonb_typeof(body::jsonb -> $3) = 'array' THEN body::jsonb -> $3 ELSE "
                 "jsonb_build_array(body::jsonb -> $3) END) AS v (value) "
                 "WHERE lower(v.value) = lower($4))",
                 {RecordKind<T>::kName, e.prefix, e.field, e.value});
  if (!r->ok()) return Failure(*r, "count");
  const int64_t count = r->Int(0, 0);
  if (count >= e.limit) {
    return Conflict(std::to_string(count) + " " + RecordKind<T>::kName + " under " + e.prefix);
  }
  return Status::Ok();
}

Status CheckUser(pg_conn* conn, const ExpectUser& e) {
  std::unique_ptr<PgResult> r = Exec(conn,
                                     "SELECT name, path, id, created_ms FROM users WHERE "
                                     "account_id = $1 AND lower(name) = lower($2)",
                                     {e.account_id, e.name});
  if (!r->ok()) return Failure(*r, "read");
  if (r->rows() == 0) return CheckStoredUser(e, nullptr);
  model::User stored{e.account_id, r->Text(0, 0), r->Text(0, 1), r->Text(0, 2), r->Int(0, 3), {}};
  std::unique_ptr<PgResult> tags = Exec(conn,
                                        "SELECT tag_key, tag_value FROM user_tags WHERE "
                                        "account_id = $1 AND user_name = $2 ORDER BY position",
                                        {e.account_id, stored.name});
  if (!tags->ok()) return Failure(*tags, "read");
  for (int i = 0; i < tags->rows(); ++i) {
    stored.tags.push_back({tags->Text(i, 0), tags->Text(i, 1)});
  }
  return CheckStoredUser(e, &stored);
}

Status CheckFewerOfUser(pg_conn* conn, const ExpectFewerOfUser& e) {
  const char* table = e.table == UserTable::kAccessKeys       ? "access_keys"
                      : e.table == UserTable::kInlinePolicies ? "user_policies"
                                                              : "user_attached_policies";
  std::string sql = std::string("SELECT COUNT(*) FROM ") + table +
                    " WHERE account_id = $1 AND lower(user_name) = lower($2)";
  std::unique_ptr<PgResult> r = Exec(conn, sql.c_str(), {e.account_id, e.user_name});
  if (!r->ok()) return Failure(*r, "count");
  if (r->Int(0, 0) >= e.limit) {
    return Conflict(std::to_string(r->Int(0, 0)) + " " + table + " of " + e.user_name);
  }
  return Status::Ok();
}

Status CheckNoUserAttached(pg_conn* conn, const ExpectNoUserAttached& e) {
  std::unique_ptr<PgResult> r = Exec(conn,
                                     "SELECT COUNT(*) FROM user_attached_policies WHERE "
                                     "account_id = $1 AND policy_arn = $2",
                                     {e.account_id, e.policy_arn});
  if (!r->ok()) return Failure(*r, "count");
  if (r->Int(0, 0) > 0) return Conflict(e.policy_arn + " is attached to users");
  return Status::Ok();
}

}  // namespace

void AppendStatements(const Write& write, std::vector<Sql>& out) {
  std::visit(
      [&out](const auto& w) {
        using T = std::decay_t<decltype(w)>;
        if constexpr (IsPut<T>::value) {
          out.push_back(PutRecord(w));
        } else if constexpr (IsErase<T>::value) {
          out.push_back({"DELETE FROM records WHERE kind = $1 AND key = $2",
                         {RecordKind<typename T::Type>::kName, w.key}});
        } else if constexpr (std::is_same_v<T, InsertAccount>) {
          out.push_back({"INSERT INTO accounts (id, name, email, created_ms) VALUES ($1,$2,$3,$4)",
                         {w.account.id, w.account.name, w.account.email,
                          std::to_string(w.account.created_ms)}});
        } else if constexpr (std::is_same_v<T, InsertRootUser>) {
          out.push_back(
              {"INSERT INTO root_users (account_id, email, password_hash) "
               "VALUES ($1,$2,$3)",
               {w.root.account_id, w.root.email, w.root.password_hash}});
        } else if constexpr (std::is_same_v<T, InsertUser>) {
          out.push_back(
              {"INSERT INTO users (account_id, name, path, id, created_ms) "
               "VALUES ($1,$2,$3,$4,$5)",
               {w.user.account_id, w.user.name, w.user.path, w.user.id,
                std::to_string(w.user.created_ms)}});
        } else if constexpr (std::is_same_v<T, DeleteUser>) {
          out.push_back(
              {"DELETE FROM users WHERE account_id = $1 AND name = $2", {w.account_id, w.name}});
        } else if constexpr (std::is_same_v<T, UpdateUser>) {
          UpdateUserRows(w, out);
        } else if constexpr (std::is_same_v<T, SetUserTags>) {
          SetTags(w, out);
        } else if constexpr (std::is_same_v<T, InsertAccessKey>) {
          out.push_back(
              {"INSERT INTO access_keys (id, account_id, user_name, sealed_secret, "
               "status, created_ms) VALUES ($1, $2, $3, decode($4, 'hex'), $5, $6)",
               {w.key.id, w.key.account_id, w.key.user_name, HexEncode(w.key.sealed_secret),
                KeyStatus(w.key.status), std::to_string(w.key.created_ms)}});
        } else if constexpr (std::is_same_v<T, DeleteAccessKey>) {
          out.push_back({"DELETE FROM access_key_last_used WHERE access_key_id = $1", {w.id}});
          out.push_back({"DELETE FROM access_keys WHERE id = $1", {w.id}});
        } else if constexpr (std::is_same_v<T, SetAccessKeyStatus>) {
          out.push_back(
              {"UPDATE access_keys SET status = $1 WHERE id = $2", {KeyStatus(w.status), w.id}});
        } else if constexpr (std::is_same_v<T, SetAccessKeyLastUsed>) {
          out.push_back(
              {"INSERT INTO access_key_last_used (access_key_id, used_ms, service, "
               "region) VALUES ($1,$2,$3,$4) ON CONFLICT (access_key_id) DO UPDATE SET "
               "used_ms = EXCLUDED.used_ms, service = EXCLUDED.service, "
               "region = EXCLUDED.region",
               {w.usage.access_key_id, std::to_string(w.usage.used_ms), w.usage.service,
                w.usage.region}});
        } else if constexpr (std::is_same_v<T, InsertRootResetToken>) {
          out.push_back(
              {"INSERT INTO root_reset_tokens (token_hash, account_id, expires_ms) "
               "VALUES ($1,$2,$3)",
               {w.token.token_hash, w.token.account_id, std::to_string(w.token.expires_ms)}});
        } else if constexpr (std::is_same_v<T, ResetRootPassword>) {
          SpendResetToken(w, out);
        } else if constexpr (std::is_same_v<T, PutUserPolicy>) {
          out.push_back(
              {"INSERT INTO user_policies (account_id, user_name, name, document) "
               "VALUES ($1,$2,$3,$4) ON CONFLICT (account_id, user_name, name) "
               "DO UPDATE SET document = EXCLUDED.document",
               {w.policy.account_id, w.policy.user_name, w.policy.name, w.policy.document}});
        } else if constexpr (std::is_same_v<T, DeleteUserPolicy>) {
          out.push_back(
              {"DELETE FROM user_policies WHERE account_id = $1 AND user_name = $2 AND "
               "name = $3",
               {w.account_id, w.user_name, w.name}});
        } else if constexpr (std::is_same_v<T, AttachUserPolicy>) {
          out.push_back(
              {"INSERT INTO user_attached_policies (account_id, user_name, policy_arn) "
               "VALUES ($1,$2,$3)",
               {w.attachment.account_id, w.attachment.user_name, w.attachment.policy_arn}});
        } else {
          static_assert(std::is_same_v<T, DetachUserPolicy>);
          out.push_back(
              {"DELETE FROM user_attached_policies WHERE account_id = $1 AND "
               "user_name = $2 AND policy_arn = $3",
               {w.attachment.account_id, w.attachment.user_name, w.attachment.policy_arn}});
        }
      },
      write.get());
}

Status Check(pg_conn* conn, const Precondition& precondition) {
  return std::visit(
      [conn](const auto& p) -> Status {
        using T = std::decay_t<decltype(p)>;
        if constexpr (IsExpect<T>::value) {
          return CheckExpect(conn, p);
        } else if constexpr (IsExpectFewer<T>::value) {
          return CheckExpectFewer(conn, p);
        } else if constexpr (std::is_same_v<T, ExpectUser>) {
          return CheckUser(conn, p);
        } else if constexpr (std::is_same_v<T, ExpectFewerOfUser>) {
          return CheckFewerOfUser(conn, p);
        } else {
          static_assert(std::is_same_v<T, ExpectNoUserAttached>);
          return CheckNoUserAttached(conn, p);
        }
      },
      precondition.get());
}

}  // namespace gatehouse::store::pg
