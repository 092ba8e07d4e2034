// One line of an exported file's digest file (PATH.digest beside PATH, audit/event_file_sink.h):
// the batch of lines firstLine..lastLine of PATH, sealed after `previous` (audit/event_digest.h),
//   {"firstLine":1,"lastLine":3,"previous":"00…","digest":"9f…","signature":"base64…"}
// (the signature when the server signs, audit/digest_signature.h). Parsing takes nothing on
// trust: a line that is not exactly such an object, with positive line numbers and 64 lowercase
// hex digits per digest, is an error. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "model/audit_entities.h"

namespace gatehouse::audit {

// The line (without its newline) for `digest`, whose first_seq/last_seq are line numbers.
std::string FormatDigestLine(const model::AuditDigest& digest);

Result<model::AuditDigest> ParseDigestLine(std::string_view line);

}  // namespace gatehouse::audit
