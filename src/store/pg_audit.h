// Internal to store/: the audit log's SQL on PostgreSQL (store/audit_log.h). The upserts are
// statements a commit sends with its writes (one statement per event, resources included, so
// that they pipeline with the rest); the reads run on the store's connection under its lock.
#pragma once

#include <vector>

#include "store/audit_log.h"
#include "store/pg_statements.h"

namespace gatehouse::store::pg {

// Appends to `out` the statements that upsert `entries` by (account, event id); an event
// already sealed keeps its stored body.
void AppendAuditStatements(const std::vector<model::AuditEntry>& entries, std::vector<Sql>& out);
Result<std::vector<AuditRow>> LookupAuditRows(pg_conn* conn, const AuditQuery& query);
Status PruneAuditRows(pg_conn* conn, int64_t before_ms);
Result<std::vector<model::AuditBody>> AuditBodies(pg_conn* conn, int64_t first_seq,
                                                  int64_t last_seq);
Result<int64_t> LatestAuditNumber(pg_conn* conn);
Result<std::vector<model::AuditDigest>> AuditDigestRows(pg_conn* conn);
Status AppendAuditDigestRow(pg_conn* conn, const model::AuditDigest& digest);

}  // namespace gatehouse::store::pg
