// Checks exported files (audit/event_file_sink.h) against their digest files, for `gatehouse
// audit verify --file`: each PATH with PATH.digest, in the order given (oldest first: PATH.2,
// PATH.1, PATH), so that the link from one file to the next is checked too. The first file's
// first digest chains from a file not given (rotated away, or genesis): its `previous` is taken
// as given. Within a file the batches must seal every line, from line 1 on, each line once and
// in order; a line no digest seals (a batch cut short by a crash, or lines appended) breaks the
// chain. Nothing in the files is trusted: a missing or unreadable file, a digest line that is
// not one, a line longer than kMaxRecordLine, a torn last line are reported as broken links,
// and memory stays bounded by one line whatever the files hold. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/chain_report.h"

namespace gatehouse::audit {

// Far above any record the server writes (a request body is at most 1 MiB).
inline constexpr size_t kMaxRecordLine = 16 * 1024 * 1024;

// With `public_key` (raw Ed25519, audit/digest_signature.h) every digest line must carry its
// signature: a line without one, or with one that does not verify, breaks the chain there.
ChainReport CheckExportedFiles(const std::vector<std::string>& paths,
                               const std::optional<std::string>& public_key);

}  // namespace gatehouse::audit
