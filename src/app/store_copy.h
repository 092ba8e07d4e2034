// Copying a whole store into an empty one (`gatehouse migrate`): one LoadAll of the source (one
// read transaction, so the copy is consistent), one batch written to the target (one
// transaction: a copy that fails leaves the target empty), then a LoadAll of the target compared
// with what was read, by counts per kind and checksum (app/store_digest.h). Secrets are copied
// as they are sealed: the master key that opened the source opens the target, and the source's
// master key check goes along. The change sequence is not copied; the target's starts at the
// copy. Not thread-safe with other writers of the target: it must be empty and stay so.
#pragma once

#include "app/store_digest.h"
#include "core/status.h"
#include "store/store.h"

namespace gatehouse::app {

// The batch that writes `data` into an empty store, each row after those it refers to.
// InvalidInput for a record this gatehouse cannot decode.
Result<store::WriteBatch> CopyBatchOf(const store::StoreData& data);

// Whether `data` holds anything at all.
bool HoldsData(const store::StoreData& data);

struct StoreCopyReport {
  StoreDigest source;
  StoreDigest target;
  bool matches() const { return source == target; }
};

// Copies `from` into `to`. EntityAlreadyExists when `to` holds data (nothing is written);
// a report whose digests differ is the caller's error to report.
Result<StoreCopyReport> CopyStore(store::Store& from, store::Store& to);

}  // namespace gatehouse::app
