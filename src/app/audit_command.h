// `gatehouse audit verify`: checks the audit trail's tamper evidence. Without --file it checks
// the store's chain of digests against its events (audit/store_chain_check.h), from the oldest
// digest pruning kept, and counts the events not yet sealed; with --file PATH (repeatable, oldest
// first: PATH.1 then PATH) it checks exported files against their PATH.digest files and the
// links between them (audit/file_chain_check.h). It prints
//   verified: N events in M batches, chain intact
// or
//   broken link: batch K (events A..B): REASON
// Exit codes: 0 the chain holds, 1 a link is broken or the store cannot be read, 2 bad usage.
#pragma once

#include <CLI/CLI.hpp>

namespace gatehouse::app {

void AddAuditCommand(CLI::App& app, int& exit_code);

}  // namespace gatehouse::app
