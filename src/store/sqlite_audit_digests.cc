// The SQLite audit log's chain of digests (store/sqlite_audit.h): read in order with their
// signatures, and extended only from the last one.
#include <string>
#include <vector>

#include "store/sqlite_audit.h"
#include "store/sqlite_statement.h"

namespace gatehouse::store::sqlite {

Result<std::vector<model::AuditDigest>> AuditDigestRows(sqlite3* db) {
  Statement read(
      db,
      "SELECT d.first_seq, d.last_seq, d.previous, d.digest, COALESCE(s.signature, '') "
      "FROM audit_digests d LEFT JOIN audit_digest_signatures s ON s.first_seq = d.first_seq "
      "ORDER BY d.first_seq");
  if (!read.ok()) return Failure(db, "audit digests");
  std::vector<model::AuditDigest> out;
  int rc;
  while ((rc = read.Step()) == SQLITE_ROW) {
    out.push_back({read.Int(0), read.Int(1), read.Text(2), read.Text(3), read.Text(4)});
  }
  if (rc != SQLITE_DONE) return Failure(db, "audit digests");
  return out;
}

Status AppendAuditDigestRow(sqlite3* db, const model::AuditDigest& digest) {
  Statement last(db, "SELECT last_seq, digest FROM audit_digests ORDER BY first_seq DESC LIMIT 1");
  if (!last.ok()) return Failure(db, "audit digests");
  const bool any = last.Step() == SQLITE_ROW;
  const int64_t last_seq = any ? last.Int(0) : 0;
  const std::string previous = any ? last.Text(1) : std::string(64, '0');
  if (digest.previous != previous || digest.first_seq <= last_seq) {
    return Status(ErrorCode::kStoreConflict, "another digest was sealed first");
  }
  Statement put(db,
                "INSERT INTO audit_digests (first_seq, last_seq, previous, digest) VALUES "
                "(?,?,?,?)");
  put.Bind(1, digest.first_seq).Bind(2, digest.last_seq).Bind(3, digest.previous);
  put.Bind(4, digest.digest);
  Statement sign(db,
                 "INSERT OR REPLACE INTO audit_digest_signatures (first_seq, signature) VALUES "
                 "(?,?)");
  sign.Bind(1, digest.first_seq).Bind(2, digest.signature);
  // The digest and its signature together, or neither.
  if (sqlite3_exec(db, "SAVEPOINT seal", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Failure(db, "audit digests");
  }
  Status s = Run(db, put);
  if (s.ok() && !digest.signature.empty()) s = Run(db, sign);
  sqlite3_exec(db, s.ok() ? "RELEASE seal" : "ROLLBACK TO seal; RELEASE seal", nullptr, nullptr,
               nullptr);
  return s;
}

}  // namespace gatehouse::store::sqlite
