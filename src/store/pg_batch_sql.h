// The SQL of one batch for PostgresStore: the statements that make each write, and the checks
// of the batch's preconditions (as SqliteStore's, store/precondition_check.h). Internal to the
// store.
#pragma once

#include <vector>

#include "core/status.h"
#include "store/pg_statements.h"
#include "store/store.h"

namespace gatehouse::store::pg {

// The statements that make `write`, appended to `out`.
void AppendStatements(const Write& write, std::vector<Sql>& out);

// Checks `precondition` inside the open transaction: a conflict when the store no longer holds
// what the batch was decided on.
Status Check(pg_conn* conn, const Precondition& precondition);

}  // namespace gatehouse::store::pg
