// OutboxFiles: DATA/outbox, a directory (owner only) where an instance without an SMTP server
// leaves a copy of each mail it queues, `ID.eml` (20261129T172000Z-<16 hex>.eml, so that names
// sort by the time queued, 0600), for the operator to read on that machine. The store's outbox
// (mail/outbox.h) stays the queue: these files are a local export that nothing reads back,
// and `gatehouse mail list` / `show` reach the same mails from any machine. A file appears
// whole or not at all (written to a hidden temporary name, flushed, renamed). Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace gatehouse::mail {

class OutboxFiles {
 public:
  // Creates `dir` (mode 0700) when missing and removes temporary files a crash left behind.
  static Result<std::unique_ptr<OutboxFiles>> Open(const std::string& dir);

  // Writes the message `data` as dir/ID.eml. InvalidInput when `id` is not an outbox id.
  Status Write(const std::string& id, const std::string& data);
  // The ids of the files, oldest first.
  std::vector<std::string> List() const;

  const std::string& dir() const { return dir_; }

 private:
  explicit OutboxFiles(std::string dir) : dir_(std::move(dir)) {}

  const std::string dir_;
};

// "20261129T172000Z-0123456789abcdef": the only names an outbox id may have, so that an id can
// never reach outside the directory.
bool IsOutboxId(std::string_view id);

}  // namespace gatehouse::mail
