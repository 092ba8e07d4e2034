// A block of the SQLite audit log (store/sqlite_audit_blocks.h): events no append rewrites,
// stored as one row. Their fields are in the feed's compact form (store/audit_entry_codec.h) with
// the bodies left out; the bodies are JSON lines, one record a line in the block's order, so that
// SQL reads them as text (a CloudTrail record, compact JSON, holds no newline). Decoding refuses a
// block whose parts disagree (counts, a body cut short or run on). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/audit_entities.h"

namespace gatehouse::store {

struct AuditBlock {
  std::string fields;  // the events less their bodies, encoded
  std::string bodies;  // the bodies, joined by newlines
};

// Whether `e` may be stored in a block, which is never rewritten: an event whose body holds no
// newline and that nothing completes later, a read-only one (recorded whole) or, when `final`,
// the completion of an event stored with its change and adopted in the same append.
bool Blockable(const model::AuditEntry& e, bool final);

// The block of `events`, each Blockable.
AuditBlock EncodeAuditBlock(const std::vector<const model::AuditEntry*>& events);

// A block read back: its events less their bodies, and each one's body, a view into the
// `bodies` DecodeAuditBlock was given.
struct DecodedAuditBlock {
  std::vector<model::AuditEntry> events;
  std::vector<std::string_view> bodies;
};

// The events of a block of `count` events.
std::optional<DecodedAuditBlock> DecodeAuditBlock(std::string_view fields, std::string_view bodies,
                                                  size_t count);

}  // namespace gatehouse::store
