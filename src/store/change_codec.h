// The change feed's encoding of a batch's writes. Each commit keeps its writes, so another
// instance on the same database applies exactly what the writer applied, in commit order,
// instead of reloading everything (State::CatchUp). JSON: an array of {"op", "v"}, the op naming
// the write (a Put or Erase of a record names its kind: "put/role"). Pure functions;
// thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/store.h"

namespace gatehouse::store {

// Never throws: writes that JSON cannot hold (text that is not UTF-8) encode as "", which reads
// back as a change without writes.
std::string EncodeWrites(const std::vector<Write>& writes);
// kServiceFailure when `text` is not a list of known writes.
Result<std::vector<Write>> DecodeWrites(std::string_view text);
// The feed's row `sequence` with its kept writes (nullopt when pruned); writes it cannot read
// make a change without writes, which its reader answers by reloading everything.
Change ReadChange(int64_t sequence, const std::optional<std::string>& writes);

}  // namespace gatehouse::store
