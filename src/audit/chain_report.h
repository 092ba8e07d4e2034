// What checking a chain of digests found (`gatehouse audit verify`): how much held, what could
// not be checked and why, and the first broken link, if any. A value; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gatehouse::audit {

struct BrokenLink {
  size_t batch = 0;   // 1-based: within the store's kept digests, or within one file
  std::string where;  // "events 4..6", "lines 4..6 of PATH", "line 3 of PATH.digest"
  std::string reason;
};

struct ChainReport {
  int64_t events = 0;              // events (or lines) in the batches whose links held
  size_t batches = 0;              // batches whose links held
  int64_t unsealed = 0;            // events stored after the last digest (not an error)
  std::vector<std::string> notes;  // what was taken as given, and why
  std::optional<BrokenLink> broken;
};

}  // namespace gatehouse::audit
