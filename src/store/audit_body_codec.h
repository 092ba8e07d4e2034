// An event's body (its CloudTrail record, audit/cloudtrail_record.h) as the SQLite store keeps it
// on the disk, in the change feed's row: compressed with LZ4 against a dictionary of the text
// records share (their keys in canonical order, the event sources, the usual values and user
// agents), which takes a record to about a third of its size. Every byte a commit writes costs
// it time on the disk. LZ4 rather than zstd: both pack records to a third (zstd's fast levels
// leave literals as they are too), but zstd took 3.5 to 5 µs per record where LZ4 takes 0.8 to
// 2 (the larger figures with the caches cold, as on the thread that commits, for whom every
// writer waits). A packed body starts with the version of its dictionary: a dictionary, once
// used, is kept for as long as data packed with it can be read, and a later one would take the
// next version. Unpacking refuses bytes Pack did not write (another version, a damaged block, a
// size that does not match, more than kMaxAuditBodyBytes), never reading or allocating past
// what the bytes allow. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::store {

// Larger than any record: CloudTrail leaves out parameters and answers over 100 KiB.
inline constexpr size_t kMaxAuditBodyBytes = 16 * 1024 * 1024;

std::string PackAuditBody(std::string_view body);
std::optional<std::string> UnpackAuditBody(std::string_view packed);

}  // namespace gatehouse::store
