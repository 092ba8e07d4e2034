// The events a commit carries (WriteBatch::audit), as SQLite keeps them in the commit's row of
// the change feed until the audit log adopts them (store/sqlite_audit.h): a compact binary
// form, lengths before bytes, that costs a commit one copy of each field, and each body packed
// (store/audit_body_codec.h): the feed's row is most of what a commit writes. Decoding refuses
// anything Encode did not write (cut short, trailing bytes, an unknown version). Pure
// functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/audit_entities.h"

namespace gatehouse::store {

std::string EncodeAuditEntries(const std::vector<model::AuditEntry>& entries);
std::optional<std::vector<model::AuditEntry>> DecodeAuditEntries(std::string_view bytes);

}  // namespace gatehouse::store
