#include "store/pg_group_commit.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <variant>

#include "store/change_codec.h"
#include "store/pg_audit.h"
#include "store/pg_batch_sql.h"

namespace gatehouse::store::pg {
namespace {

// Whether the batch renames a user, which defers the foreign keys to a user.
bool RenamesUser(const WriteBatch& batch) {
  for (const Write& w : batch.writes) {
    if (std::holds_alternative<UpdateUser>(w.get())) return true;
  }
  return false;
}

// Forgets the writes of batches the feed no longer keeps, every kFeedPruneEvery numbers.
Status PruneFeedAt(pg_conn* conn, int64_t sequence) {
  if (sequence % kFeedPruneEvery != 0) return Status::Ok();
  // Earlier prunes forgot everything up to their mark: start after the last batch forgotten,
  // so that a prune reads the batches it forgets and not the whole feed.
  return Run(conn,
             "UPDATE changes SET writes = NULL WHERE seq <= $1 AND writes IS NOT NULL AND seq > "
             "COALESCE((SELECT seq FROM changes WHERE seq <= $1 AND writes IS NULL "
             "ORDER BY seq DESC LIMIT 1), 0)",
             {std::to_string(sequence - kFeedKept)});
}

// The statement that appends `batch` to the change feed and answers its number.
Sql ChangeStatement(const WriteBatch& batch) {
  return {"INSERT INTO changes (committed_ms, writes) VALUES ($1, $2) RETURNING seq",
          {std::to_string(NowMs()), EncodeWrites(batch.writes)}};
}

// Checks and writes one batch inside the group's open transaction, in a savepoint of its own
// named `savepoint`, and appends it to the change feed; `sequence` receives its number.
Status CommitBatch(pg_conn* conn, PreparedStatements& prepared, const WriteBatch& batch,
                   const std::string& savepoint, int64_t* sequence) {
  std::vector<Sql> statements;
  if (batch.preconditions.empty()) {
    statements.push_back({"SAVEPOINT " + savepoint});
  } else {
    // The checks' answers decide whether the writes are sent.
    RETURN_IF_ERROR(Run(conn, ("SAVEPOINT " + savepoint).c_str()));
    for (const Precondition& p : batch.preconditions) RETURN_IF_ERROR(Check(conn, p));
  }
  for (const Write& w : batch.writes) AppendStatements(w, statements);
  // The foreign keys a rename deferred are checked now, so that a violation fails this batch
  // and not the COMMIT of the whole group.
  if (RenamesUser(batch)) statements.push_back({"SET CONSTRAINTS ALL IMMEDIATE"});
  AppendAuditStatements(batch.audit, statements);
  statements.push_back(ChangeStatement(batch));
  // A statement whose row count decides the batch is waited for, so that a batch it fails
  // never takes a number of the change feed; the others go in one round trip.
  const bool waits = std::any_of(statements.begin(), statements.end(),
                                 [](const Sql& sql) { return sql.must_change; });
  std::unique_ptr<PgResult> change;
  RETURN_IF_ERROR(waits ? RunEach(conn, statements, &change)
                        : RunPipelined(conn, prepared, statements, &change));
  if (change == nullptr || change->rows() != 1) {
    return Status(ErrorCode::kServiceFailure, "write: the change feed gave no number");
  }
  *sequence = change->Int(0, 0);
  return PruneFeedAt(conn, *sequence);
}

// The savepoint of the group's batch number `i`. Savepoints are not released (that costs a
// round trip; the COMMIT ends them all), and each has a name of its own, so that a rollback
// never reaches a predecessor's.
std::string SavepointName(size_t i) { return "batch_" + std::to_string(i); }

// Appends the statements of the plain batches [begin, end) of the group to `out`, each batch
// in its savepoint and ending with its change; `ends` receives the index in `out` past each
// batch's last statement.
void AppendRun(const std::vector<const WriteBatch*>& batches, size_t begin, size_t end,
               std::vector<Sql>& out, std::vector<size_t>& ends) {
  for (size_t i = begin; i < end; ++i) {
    out.push_back({"SAVEPOINT " + SavepointName(i)});
    for (const Write& w : batches[i]->writes) AppendStatements(w, out);
    AppendAuditStatements(batches[i]->audit, out);
    out.push_back(ChangeStatement(*batches[i]));
    ends.push_back(out.size());
  }
}

// Reads the answers of a run that AppendRun wrote from index `first` of `statements`: appends
// each batch's to `out` up to the first that failed (the server skipped the ones after it) and
// returns that batch's index, or `end` when none failed. `numbers` receives those committed.
Result<size_t> ReadRun(const std::vector<Sql>& statements,
                       const std::vector<std::unique_ptr<PgResult>>& results,
                       const std::vector<size_t>& ends, size_t first, size_t begin, size_t end,
                       std::vector<Result<int64_t>>& out, std::vector<int64_t>& numbers) {
  for (size_t i = begin; i < end; first = ends[i - begin], ++i) {
    Status status;
    for (size_t k = first; k < ends[i - begin] && status.ok(); ++k) {
      status = Aborted(*results[k]) ? Status(ErrorCode::kServiceFailure, "write: skipped")
                                    : Outcome(*results[k], statements[k]);
    }
    if (!status.ok()) {
      out.push_back(status);
      return i;
    }
    const PgResult& change = *results[ends[i - begin] - 1];
    if (change.rows() != 1) {
      return Status(ErrorCode::kServiceFailure, "write: the change feed gave no number");
    }
    out.push_back(change.Int(0, 0));
    numbers.push_back(change.Int(0, 0));
  }
  return end;
}

// Commits the plain batches [begin, end) of the group in one round trip, each in its savepoint.
// The first batch that fails is rolled back alone, and the ones after it, which the server
// skipped, are sent again. Appends each batch's answer to `out`.
Status CommitPlainRun(pg_conn* conn, PreparedStatements& prepared,
                      const std::vector<const WriteBatch*>& batches, size_t begin, size_t end,
                      std::vector<Result<int64_t>>& out) {
  while (begin < end) {
    std::vector<Sql> statements;
    std::vector<size_t> ends;
    AppendRun(batches, begin, end, statements, ends);
    Result<std::vector<std::unique_ptr<PgResult>>> sent = SendPipelined(conn, prepared, statements);
    if (!sent.ok()) return sent.status();
    std::vector<int64_t> numbers;  // pruned once the run is settled
    Result<size_t> failed = ReadRun(statements, *sent, ends, 0, begin, end, out, numbers);
    if (!failed.ok()) return failed.status();
    // Back to before the failed batch (the server skipped the ones after it), so that the
    // transaction takes statements again.
    if (*failed != end) {
      RETURN_IF_ERROR(Run(conn, ("ROLLBACK TO SAVEPOINT " + SavepointName(*failed)).c_str()));
    }
    for (int64_t number : numbers) RETURN_IF_ERROR(PruneFeedAt(conn, number));
    begin = *failed == end ? end : *failed + 1;
  }
  return Status::Ok();
}

}  // namespace

bool Plain(const WriteBatch* batch) {
  if (!batch->preconditions.empty() || RenamesUser(*batch)) return false;
  std::vector<Sql> statements;
  for (const Write& w : batch->writes) AppendStatements(w, statements);
  return std::none_of(statements.begin(), statements.end(),
                      [](const Sql& sql) { return sql.must_change; });
}

Status CommitBatches(pg_conn* conn, PreparedStatements& prepared,
                     const std::vector<const WriteBatch*>& batches,
                     std::vector<Result<int64_t>>& out) {
  for (size_t i = out.size(); i < batches.size(); i = out.size()) {
    if (Plain(batches[i])) {
      const auto end = std::find_if_not(batches.begin() + i, batches.end(), Plain);
      RETURN_IF_ERROR(CommitPlainRun(conn, prepared, batches, i, end - batches.begin(), out));
      continue;
    }
    const std::string savepoint = SavepointName(i);
    int64_t sequence = 0;
    Status status = CommitBatch(conn, prepared, *batches[i], savepoint, &sequence);
    if (!status.ok()) {
      // A failed statement aborted the transaction; back to before this batch.
      RETURN_IF_ERROR(Run(conn, ("ROLLBACK TO SAVEPOINT " + savepoint).c_str()));
      if (RenamesUser(*batches[i])) RETURN_IF_ERROR(Run(conn, "SET CONSTRAINTS ALL IMMEDIATE"));
    }
    out.push_back(status.ok() ? Result<int64_t>(sequence) : Result<int64_t>(status));
  }
  return Status::Ok();
}

std::vector<Sql> BeginStatements() {
  return {{"BEGIN"}, {"SELECT pg_advisory_xact_lock($1)", {std::to_string(kCommitLock)}}};
}

std::vector<Sql> CommitStatements() {
  return {{"SELECT pg_notify($1, (SELECT max(seq) FROM changes)::text)", {std::string(kChannel)}},
          {"COMMIT"}};
}

Status CommitAtOnce(pg_conn* conn, PreparedStatements& prepared,
                    const std::vector<const WriteBatch*>& batches,
                    std::vector<Result<int64_t>>& out, bool* committed) {
  std::vector<Sql> statements = BeginStatements();
  const size_t first = statements.size();
  std::vector<size_t> ends;
  AppendRun(batches, 0, batches.size(), statements, ends);
  for (Sql& sql : CommitStatements()) statements.push_back(std::move(sql));
  Result<std::vector<std::unique_ptr<PgResult>>> sent = SendPipelined(conn, prepared, statements);
  if (!sent.ok()) return sent.status();
  for (size_t k = 0; k < first; ++k) {
    if (!(*sent)[k]->ok()) return Failure(*(*sent)[k], "begin");
  }
  std::vector<int64_t> numbers;
  Result<size_t> failed = ReadRun(statements, *sent, ends, first, 0, batches.size(), out, numbers);
  if (!failed.ok()) return failed.status();
  if (*failed != batches.size()) {
    RETURN_IF_ERROR(Run(conn, ("ROLLBACK TO SAVEPOINT " + SavepointName(*failed)).c_str()));
    for (int64_t number : numbers) RETURN_IF_ERROR(PruneFeedAt(conn, number));
    return Status::Ok();
  }
  for (size_t k = ends.empty() ? first : ends.back(); k < statements.size(); ++k) {
    if (!(*sent)[k]->ok()) return Failure(*(*sent)[k], "commit");
  }
  *committed = true;
  // Outside the transaction now: a prune that fails is done by a later one (it is cumulative).
  for (int64_t number : numbers) {
    if (Status s = PruneFeedAt(conn, number); !s.ok()) {
      spdlog::warn("pruning the change feed: {}", s.message());
    }
  }
  return Status::Ok();
}

}  // namespace gatehouse::store::pg
