// Internal to store/: the audit log of a MemoryDatabase (store/audit_log.h), the same contract
// as SQLite's and PostgreSQL's over plain containers. Not thread-safe: MemoryStore calls it
// under the database's mutex.
#pragma once

#include <map>
#include <utility>
#include <vector>

#include "store/audit_log.h"

namespace gatehouse::store {

class MemoryAuditTables {
 public:
  void Append(const std::vector<model::AuditEntry>& entries);
  std::vector<AuditRow> Lookup(const AuditQuery& query) const;
  void Prune(int64_t before_ms);
  std::vector<model::AuditBody> Bodies(int64_t first_seq, int64_t last_seq) const;
  int64_t Latest() const { return next_seq_ - 1; }
  const std::vector<model::AuditDigest>& Digests() const { return digests_; }
  Status AppendDigest(const model::AuditDigest& digest);

 private:
  bool Sealed(int64_t seq) const { return !digests_.empty() && seq <= digests_.back().last_seq; }

  std::map<int64_t, model::AuditEntry> events_;                   // by number
  std::map<std::pair<std::string, std::string>, int64_t> by_id_;  // (account, event id)
  std::vector<model::AuditDigest> digests_;
  int64_t next_seq_ = 1;
};

}  // namespace gatehouse::store
