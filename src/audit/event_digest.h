// Tamper evidence for stored and exported events, as CloudTrail's digest files give it: events
// are sealed in batches, in order, and each batch's digest is the SHA-256 of the previous batch's
// digest and of its events — each event's number and the SHA-256 of its record exactly as kept.
// The store numbers its events (model::AuditBody::seq); an exported file numbers its lines from
// 1 (audit/event_file_sink.h); both chain through this one hasher. The first batch ever chains
// from kGenesisDigest. Editing, removing, inserting or reordering an event, or altering a digest,
// breaks the chain at that batch or the next. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/sha256_stream.h"
#include "model/audit_entities.h"

namespace gatehouse::audit {

inline constexpr char kGenesisDigest[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

using StoredEvent = model::AuditBody;
using EventDigest = model::AuditDigest;

// The digest of one batch, built one event at a time in constant memory (a writer need not copy
// what it writes, a verifier need not hold a batch). Add the events in their order, then Finish.
class ChainHasher {
 public:
  explicit ChainHasher(std::string_view previous);
  void Add(int64_t number, std::string_view record);
  std::string Finish() const;

 private:
  Sha256Stream stream_;
};

// The digest of `events` (in order) after `previous`.
std::string ChainDigest(std::string_view previous, const std::vector<StoredEvent>& events);

// Where a chain breaks: the batch (0-based) and why.
struct ChainBreak {
  size_t batch = 0;
  int64_t first_seq = 0;
  std::string reason;
};

// Where checking begins. The whole chain begins at genesis; a chain whose oldest batches were
// pruned (or a later file of a rotated export) begins after the digest of the batch before its
// first kept one, which is taken as given: what was removed before it cannot be checked.
struct ChainStart {
  std::string previous = kGenesisDigest;
  int64_t after_seq = 0;  // the first batch's events are numbered above it
};

// The start of a chain whose oldest kept batch is `digests.front()`: its `previous` as given.
ChainStart StartOfKeptChain(const std::vector<EventDigest>& digests);

// Hands the events numbered first_seq..last_seq, in order, to `add`. Called once per batch, in
// order, for ranges that increase (so it may read forward only).
using EventVisitor = std::function<void(int64_t seq, std::string_view record)>;
using EventReader =
    std::function<void(int64_t first_seq, int64_t last_seq, const EventVisitor& add)>;

// Checks `digests` (in order) against the events `read` gives for each batch; nullopt when every
// link holds.
std::optional<ChainBreak> FirstBrokenLink(const std::vector<EventDigest>& digests,
                                          const EventReader& read, const ChainStart& start = {});

// The same, reading each batch's events whole (as the store's AuditEvents gives them).
std::optional<ChainBreak> FirstBrokenLink(
    const std::vector<EventDigest>& digests,
    const std::function<std::vector<StoredEvent>(int64_t first_seq, int64_t last_seq)>& read,
    const ChainStart& start = {});

}  // namespace gatehouse::audit
