#include "audit/file_chain_check.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>

#include "audit/digest_line.h"
#include "audit/digest_signature.h"
#include "audit/event_digest.h"

namespace gatehouse::audit {
namespace {

constexpr size_t kMaxDigestLine = 4096;

// A file read forward one line at a time, numbered from 1, in bounded memory: a line longer
// than the limit is skipped whole and flagged.
class LineReader {
 public:
  LineReader(const std::string& path, size_t max_line)
      : file_(std::fopen(path.c_str(), "rb"), &std::fclose), max_line_(max_line) {
    if (!file_) {
      errno_ = errno;
      error_ = std::strerror(errno_);
    }
  }
  bool missing() const { return errno_ == ENOENT; }
  const std::string& error() const { return error_; }
  bool open() const { return file_ != nullptr; }
  int64_t number() const { return number_; }
  // Whether the last line read ended without a newline (the file's end cut it short).
  bool torn() const { return torn_; }
  bool read_failed() const { return file_ && std::ferror(file_.get()); }

  // The next line, without its newline, into `line`; false at the end. `too_long`: the line
  // was longer than the limit (and `line` is empty).
  bool Next(std::string& line, bool& too_long) {
    line.clear();
    too_long = false;
    if (!file_) return false;
    bool any = false;
    int c;
    while ((c = getc_unlocked(file_.get())) != EOF) {  // one thread reads it
      any = true;
      if (c == '\n') break;
      if (too_long) continue;
      if (line.size() == max_line_) {
        too_long = true;
        line.clear();
        line.shrink_to_fit();
        continue;
      }
      line.push_back(static_cast<char>(c));
    }
    if (!any) return false;
    torn_ = c == EOF;
    ++number_;
    return true;
  }

 private:
  std::unique_ptr<FILE, int (*)(FILE*)> file_;
  size_t max_line_;
  int errno_ = 0;
  std::string error_;
  int64_t number_ = 0;
  bool torn_ = false;
};

std::string Lines(int64_t first, int64_t last, const std::string& path) {
  return "lines " + std::to_string(first) + ".." + std::to_string(last) + " of " + path;
}

// A file's digests, or where its digest file stops being one.
struct Seals {
  bool exists = false;
  std::vector<model::AuditDigest> digests;
  std::optional<BrokenLink> bad;  // the first line that is no digest (its batch)
};

// Why `digest` does not carry a signature `public_key` (raw; none: not checked) verifies.
std::optional<std::string> SignatureFault(const std::optional<std::string>& public_key,
                                          const model::AuditDigest& digest) {
  if (!public_key || SignatureHolds(*public_key, digest, DigestScope::kFile)) return std::nullopt;
  return digest.signature.empty() ? "it is not signed"
                                  : "its signature does not verify with the given public key";
}

Seals ReadSeals(const std::string& digest_path, const std::optional<std::string>& public_key) {
  Seals seals;
  LineReader lines(digest_path, kMaxDigestLine);
  if (!lines.open()) {
    if (!lines.missing()) {
      seals.exists = true;
      seals.bad = BrokenLink{1, digest_path, "it cannot be read: " + lines.error()};
    }
    return seals;
  }
  seals.exists = true;
  std::string line;
  bool too_long = false;
  while (lines.Next(line, too_long)) {
    Result<model::AuditDigest> digest =
        too_long ? Result<model::AuditDigest>(
                       Status(ErrorCode::kInvalidParameterValue, "not a digest record: too long"))
                 : ParseDigestLine(line);
    std::optional<std::string> fault =
        digest.ok() ? SignatureFault(public_key, *digest) : digest.status().message();
    if (fault) {
      seals.bad =
          BrokenLink{static_cast<size_t>(lines.number()),
                     "line " + std::to_string(lines.number()) + " of " + digest_path, *fault};
      return seals;
    }
    seals.digests.push_back(*digest);
  }
  if (lines.read_failed()) {
    seals.bad = BrokenLink{seals.digests.size() + 1, digest_path, "it cannot be read"};
  }
  return seals;
}

// The first batch (0-based) whose lines do not follow the batch before's from line 1, with the
// break it makes; digests before it number the lines contiguously.
std::optional<BrokenLink> FirstGap(const std::vector<model::AuditDigest>& digests,
                                   const std::string& path, size_t& gap) {
  for (gap = 0; gap < digests.size(); ++gap) {
    const model::AuditDigest& d = digests[gap];
    const int64_t expected = gap == 0 ? 1 : digests[gap - 1].last_seq + 1;
    if (d.first_seq != expected || d.last_seq < d.first_seq) {
      return BrokenLink{
          gap + 1, Lines(d.first_seq, d.last_seq, path),
          gap == 0 ? "it does not begin at line 1" : "its lines do not follow the batch before's"};
    }
  }
  return std::nullopt;
}

// Checks one file from `start`; the last digest that held goes into `previous`.
std::optional<BrokenLink> CheckFile(const std::string& path, const ChainStart& start,
                                    const std::optional<std::string>& public_key,
                                    std::string& previous, ChainReport& report) {
  LineReader lines(path, kMaxRecordLine);
  if (!lines.open()) return BrokenLink{1, path, "it cannot be read: " + lines.error()};
  const std::string digest_path = path + ".digest";
  Seals seals = ReadSeals(digest_path, public_key);
  size_t gap = 0;
  std::optional<BrokenLink> out_of_line = FirstGap(seals.digests, path, gap);
  if (!out_of_line && seals.bad) {
    gap = seals.digests.size();
    out_of_line = seals.bad;
  }
  const std::vector<model::AuditDigest> checked(
      seals.digests.begin(), seals.digests.begin() + static_cast<ptrdiff_t>(gap));

  size_t batch = 0;
  std::optional<std::pair<size_t, int64_t>> overlong;  // (batch, line)
  std::string line;
  bool too_long = false;
  EventReader read = [&](int64_t, int64_t last, const EventVisitor& add) {
    while (lines.number() < last && lines.Next(line, too_long)) {
      if (too_long) {
        if (!overlong) overlong = {batch, lines.number()};
        continue;
      }
      add(lines.number(), line);
    }
    ++batch;
  };
  if (std::optional<ChainBreak> broken = FirstBrokenLink(checked, read, start)) {
    const model::AuditDigest& d = checked[broken->batch];
    std::string reason = broken->reason;
    if (overlong && overlong->first == broken->batch) {
      reason = "line " + std::to_string(overlong->second) + " is longer than " +
               std::to_string(kMaxRecordLine) + " bytes: not a record";
    }
    return BrokenLink{broken->batch + 1, Lines(d.first_seq, d.last_seq, path), reason};
  }
  if (out_of_line) return out_of_line;

  while (lines.Next(line, too_long)) {
  }
  if (lines.read_failed()) return BrokenLink{checked.size() + 1, path, "it cannot be read"};
  const int64_t total = lines.number();
  const int64_t sealed = checked.empty() ? 0 : checked.back().last_seq;
  if (total > sealed) {
    if (!seals.exists) {
      return BrokenLink{1, Lines(1, total, path), "no digest file " + digest_path + " seals them"};
    }
    return BrokenLink{checked.size() + 1, Lines(sealed + 1, total, path),
                      "no digest seals them (a batch cut short, or lines added)"};
  }
  if (total < sealed) {
    return BrokenLink{checked.size(), Lines(checked.back().first_seq, sealed, path),
                      "it seals lines past the end of the file"};
  }
  if (lines.torn()) {
    return BrokenLink{checked.size(), Lines(total, total, path),
                      "the last line has no newline (the file was cut short)"};
  }
  report.events += total;
  report.batches += checked.size();
  if (!checked.empty()) previous = checked.back().digest;
  return std::nullopt;
}

}  // namespace

ChainReport CheckExportedFiles(const std::vector<std::string>& paths,
                               const std::optional<std::string>& public_key) {
  ChainReport report;
  std::string previous;  // the last digest of the files checked so far ("" before any)
  for (const std::string& path : paths) {
    ChainStart start{previous, 0};
    if (previous.empty()) {
      Seals seals = ReadSeals(path + ".digest", std::nullopt);
      start = StartOfKeptChain(seals.digests);
      if (start.previous != kGenesisDigest) {
        report.notes.push_back(path +
                               " continues the chain of an older file not given: its "
                               "first link is taken as given");
      }
    }
    if (std::optional<BrokenLink> broken = CheckFile(path, start, public_key, previous, report)) {
      report.broken = std::move(broken);
      return report;
    }
  }
  return report;
}

}  // namespace gatehouse::audit
