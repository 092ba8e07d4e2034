// Group commit on PostgreSQL: the batches of a group (Store::CommitGroup) in one transaction
// under the commit lock, each in a savepoint of its own so that one that fails is rolled back
// alone, each appended to the change feed. A group whose batches have no preconditions goes in
// one round trip, BEGIN to COMMIT (CommitAtOnce); the others are checked and written batch by
// batch, consecutive plain ones together (CommitBatches). Internal to the store.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/pg_statements.h"
#include "store/store.h"

namespace gatehouse::store::pg {

// The key of the transaction-scoped advisory lock that commits take in turn.
inline constexpr int64_t kCommitLock = 0x6761746569;
// The channel each commit NOTIFYs; the payload is the highest number of the change feed when
// the transaction commits, so that the instance that made the commit knows its own
// announcement (PostgresStore::WaitForChange).
inline constexpr std::string_view kChannel = "gatehouse_changes";

// Whether nothing in `batch` waits for an answer before the next statement: no precondition,
// no statement whose row count decides it, no rename (whose deferred keys are checked alone).
bool Plain(const WriteBatch* batch);

// The statements that open a group's transaction and take the commit lock: commits take it in
// turn (other instances' too), so that the preconditions read the state the writes apply to and
// the change feed's numbers become visible in order.
std::vector<Sql> BeginStatements();

// The statements that end a group's transaction. The notification is delivered to the
// listeners when (and only if) the transaction commits: once per group.
std::vector<Sql> CommitStatements();

// Commits a group of plain batches in one round trip: BEGIN, the lock, every batch in its
// savepoint, NOTIFY and COMMIT. When a batch fails, the server skips the rest, the COMMIT
// included: the transaction is left open, rolled back to before that batch, with the answers
// up to it in `out`, for CommitBatches to go on from the next. `committed` says whether the
// COMMIT went through.
Status CommitAtOnce(pg_conn* conn, PreparedStatements& prepared,
                    const std::vector<const WriteBatch*>& batches,
                    std::vector<Result<int64_t>>& out, bool* committed);

// Commits the batches from index out.size() on inside the open transaction, each in a
// savepoint of its own: one that fails is rolled back alone. Consecutive plain batches go out
// together. Fails as a whole (every batch) when the transaction itself breaks.
Status CommitBatches(pg_conn* conn, PreparedStatements& prepared,
                     const std::vector<const WriteBatch*>& batches,
                     std::vector<Result<int64_t>>& out);

}  // namespace gatehouse::store::pg
