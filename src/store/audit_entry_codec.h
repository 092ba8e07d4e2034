// The events a commit carries (WriteBatch::audit), as SQLite keeps them in the commit's row of
// the change feed until the audit log adopts them (store/sqlite_audit.h), and the fields of an
// audit block (store/audit_block_codec.h): a compact binary form, lengths before bytes. Encode
// packs each body (store/audit_body_codec.h); Pack packs the whole, the feed's form, since the
// feed's row is most of what a commit writes and each byte there costs every writer time.
// Decoding reads both (and the plain bodies of an earlier version), and refuses anything they
// did not write (cut short, trailing bytes, an unknown version). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/audit_entities.h"

namespace gatehouse::store {

std::string EncodeAuditEntries(const std::vector<model::AuditEntry>& entries);
// As Encode, each body left out (as an empty one): an audit block's fields, written without a
// copy of the events.
std::string EncodeAuditFields(const std::vector<const model::AuditEntry*>& entries);
// As Encode, packed as a whole rather than body by body: the fields are text the body repeats,
// which packing finds: a CreateUser's event takes 320 bytes rather than 420. The form a
// commit's row of the feed keeps them in.
std::string PackAuditEntries(const std::vector<model::AuditEntry>& entries);
std::optional<std::vector<model::AuditEntry>> DecodeAuditEntries(std::string_view bytes);

}  // namespace gatehouse::store
