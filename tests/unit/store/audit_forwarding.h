// Test support: a Store put in front of another (to watch or fail its commits) hands the audit
// log's calls to the store behind it.
#pragma once

#include <vector>

#include "store/store.h"

namespace gatehouse::store::testing_support {

class AuditForwarding : public Store {
 public:
  Status AppendAudit(const std::vector<model::AuditEntry>& entries) override {
    return audit_.AppendAudit(entries);
  }
  Result<std::vector<AuditRow>> LookupAudit(const AuditQuery& query) override {
    return audit_.LookupAudit(query);
  }
  Status PruneAudit(int64_t before_ms) override { return audit_.PruneAudit(before_ms); }
  Result<std::vector<model::AuditBody>> AuditEvents(int64_t first_seq, int64_t last_seq) override {
    return audit_.AuditEvents(first_seq, last_seq);
  }
  Result<int64_t> LatestAuditSeq() override { return audit_.LatestAuditSeq(); }
  Result<std::vector<model::AuditDigest>> AuditDigests() override { return audit_.AuditDigests(); }
  Status AppendAuditDigest(const model::AuditDigest& digest) override {
    return audit_.AppendAuditDigest(digest);
  }

 protected:
  explicit AuditForwarding(AuditLog& behind) : audit_(behind) {}

 private:
  AuditLog& audit_;
};

}  // namespace gatehouse::store::testing_support
