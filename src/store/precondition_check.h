// The comparisons behind store.h's preconditions that every Store makes the same way once it has
// read, inside its transaction, what the precondition is about: a failed one is kStoreConflict
// ("precondition failed: …"). A record is compared by canonical encoding — the stored body
// decoded and encoded again, so that fields added since it was written compare as their
// defaults — with the encoding of the value read. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "store/record_codec.h"
#include "store/store.h"

namespace gatehouse::store {

inline Status PreconditionFailed(const std::string& what) {
  return Status(ErrorCode::kStoreConflict, "precondition failed: " + what);
}

// Whether the record of T at `e.key`, whose stored body is `body` (nullopt: there is none), is
// `e.value` (or absent, when that is nullopt).
template <typename T>
Status CheckStoredRecord(const Expect<T>& e, const std::optional<std::string_view>& body) {
  const std::string what = std::string(RecordKind<T>::kName) + " " + e.key;
  if (!e.value) return body ? PreconditionFailed(what + " exists") : Status::Ok();
  if (!body) return PreconditionFailed(what + " is gone");
  Result<T> stored = DecodeRecord<T>(*body);
  if (!stored.ok()) return stored.status();
  if (EncodeRecord(*stored) != EncodeRecord(*e.value)) return PreconditionFailed(what + " changed");
  return Status::Ok();
}

// Whether the user row found regardless of case (`stored`, nullptr when there is none) and its
// tags in order are `e.value` (or absent, when that is nullopt).
inline Status CheckStoredUser(const ExpectUser& e, const model::User* stored) {
  const std::string what = "user " + e.account_id + "/" + e.name;
  if (!e.value) return stored == nullptr ? Status::Ok() : PreconditionFailed(what + " exists");
  if (stored == nullptr) return PreconditionFailed(what + " is gone");
  const model::User& u = *e.value;
  if (stored->name != u.name || stored->path != u.path || stored->id != u.id ||
      stored->created_ms != u.created_ms) {
    return PreconditionFailed(what + " changed");
  }
  return stored->tags == u.tags ? Status::Ok() : PreconditionFailed(what + "'s tags changed");
}

}  // namespace gatehouse::store
