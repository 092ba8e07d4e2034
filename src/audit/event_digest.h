// Tamper evidence for stored and exported events, as CloudTrail's digest files give it: events
// are sealed in batches, in the order the store numbered them, and each batch's digest is the
// SHA-256 of the previous batch's digest and of its events — each event's number and the
// SHA-256 of its body exactly as stored. The first batch chains from kGenesisDigest. Editing,
// removing, inserting or reordering an event, or altering a digest, breaks the chain at that
// batch or the next. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/audit_entities.h"

namespace gatehouse::audit {

inline constexpr char kGenesisDigest[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

using StoredEvent = model::AuditBody;
using EventDigest = model::AuditDigest;

// The digest of `events` (in order) after `previous`.
std::string ChainDigest(std::string_view previous, const std::vector<StoredEvent>& events);

// Where a chain breaks: the batch (0-based) and why.
struct ChainBreak {
  size_t batch = 0;
  int64_t first_seq = 0;
  std::string reason;
};

// Checks `digests` (in order) against the events `read(first_seq, last_seq)` returns for each
// batch; nullopt when every link holds.
std::optional<ChainBreak> FirstBrokenLink(
    const std::vector<EventDigest>& digests,
    const std::function<std::vector<StoredEvent>(int64_t first_seq, int64_t last_seq)>& read);

}  // namespace gatehouse::audit
