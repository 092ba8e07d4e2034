// The audit trail exported as JSON lines for SIEMs: each event's CloudTrail record (the body of
// its model::AuditEntry, exactly) as one line of PATH, appended, PATH created with mode 0600.
// Beside it PATH.digest seals every batch written with one line (audit/digest_line.h): the
// batch's line numbers within PATH (from 1) and its digest, chained to the batch before as the
// store's are (audit/event_digest.h). When PATH would grow past max_bytes it is rotated with its
// digest file — PATH.1 becomes PATH.2 … up to PATH.<keep>, PATH becomes PATH.1 — and a new PATH
// begins, its first digest chained to the last of PATH.1, so that `gatehouse audit verify
// --file PATH.1 --file PATH` checks the link too. A batch is flushed to disk (fdatasync) before
// Write returns.
//
// At start the sink continues PATH when its last digest seals every line of it; a PATH left
// otherwise (a crash between a batch and its digest, a torn line, an edited file) is rotated
// away untouched, kept for `audit verify` to report, and a new PATH continues the chain.
// A failed write leaves the sink closed: the next Write opens PATH again the same way.
//
// "-" means standard output: lines only, no rotation and no digest file.
//
// One process per PATH. Not thread-safe: the recorder's thread alone calls Write.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "audit/digest_signature.h"
#include "audit/event_sink.h"
#include "core/status.h"

namespace gatehouse::audit {

struct EventFileOptions {
  std::string path;                         // "-": standard output
  int64_t max_bytes = 100LL * 1024 * 1024;  // PATH's size at most (a longer line: alone)
  int keep = 5;                             // rotated files kept: PATH.1 … PATH.<keep>
  const DigestSigner* signer = nullptr;     // signs each digest line when given; not owned
};

class EventFileSink : public EventSink {
 public:
  // Opens PATH and PATH.digest (creating them); an error when they cannot be written.
  static Result<std::unique_ptr<EventFileSink>> Open(EventFileOptions options);
  ~EventFileSink() override;
  EventFileSink(const EventFileSink&) = delete;
  EventFileSink& operator=(const EventFileSink&) = delete;

  Status Write(const std::vector<model::AuditEntry>& entries) override;

 private:
  explicit EventFileSink(EventFileOptions options);
  bool to_stdout() const { return options_.path == "-"; }
  Status WriteToStdout(const std::vector<model::AuditEntry>& entries);
  // Opens PATH to continue it, after rotating it away when its digests do not seal it.
  Status OpenCurrent();
  // PATH → PATH.1 … (with their digest files), and a new, empty PATH.
  Status Rotate();
  Status OpenFiles();
  void Close();
  // Appends lines first..last (`text`, each ending in a newline) and their digest.
  Status Seal(const std::string& text, int64_t first, int64_t last, const std::string& digest);

  EventFileOptions options_;
  std::string digest_path_;
  int fd_ = -1;
  int digest_fd_ = -1;
  int64_t size_ = 0;      // PATH's bytes
  int64_t lines_ = 0;     // PATH's lines, all sealed
  std::string previous_;  // the last digest written (into PATH.digest or a rotated one)
};

}  // namespace gatehouse::audit
