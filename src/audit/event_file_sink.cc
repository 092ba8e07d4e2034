#include "audit/event_file_sink.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <string_view>
#include <utility>

#include "audit/digest_line.h"
#include "audit/event_digest.h"

namespace gatehouse::audit {
namespace {

Status Failed(const std::string& what, int error) {
  return Status(ErrorCode::kInternalFailure, what + ": " + std::strerror(error));
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Failed("writing " + path, errno);
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status RemoveIfExists(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Failed("removing " + path, errno);
  return Status::Ok();
}

Status RenameIfExists(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT) {
    return Failed("renaming " + from + " to " + to, errno);
  }
  return Status::Ok();
}

// What a file holds as lines: its size, its newlines, and whether it ends with one (or is
// empty). A missing file is empty.
struct LinesState {
  int64_t size = 0;
  int64_t lines = 0;
  bool ends_with_newline = true;
};

Result<LinesState> ScanLines(const std::string& path) {
  LinesState state;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return state;
    return Failed("reading " + path, errno);
  }
  char buffer[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      return Failed("reading " + path, error);
    }
    if (n == 0) break;
    for (ssize_t i = 0; i < n; ++i) state.lines += buffer[i] == '\n' ? 1 : 0;
    state.size += n;
    state.ends_with_newline = buffer[n - 1] == '\n';
  }
  ::close(fd);
  return state;
}

// The last digest of a digest file, and whether the file ends cleanly with it (every line
// complete, the last one a digest) or holds none at all.
struct SealsState {
  std::optional<model::AuditDigest> last;
  bool clean = true;
};

SealsState ScanSeals(const std::string& path) {
  SealsState state;
  std::ifstream in(path, std::ios::binary);
  if (!in) return state;
  std::string line, last_line;
  bool any = false;
  while (std::getline(in, line)) {
    any = true;
    last_line = std::move(line);
    state.clean = !in.eof();  // the last line read ended with a newline
  }
  if (!any) return state;
  Result<model::AuditDigest> digest = ParseDigestLine(last_line);
  if (digest.ok()) {
    state.last = *digest;
  } else {
    state.clean = false;
  }
  return state;
}

}  // namespace

EventFileSink::EventFileSink(EventFileOptions options)
    : options_(std::move(options)), digest_path_(options_.path + ".digest") {}

EventFileSink::~EventFileSink() { Close(); }

Result<std::unique_ptr<EventFileSink>> EventFileSink::Open(EventFileOptions options) {
  if (options.path.empty()) {
    return Status(ErrorCode::kInvalidParameterValue, "the audit file's path is empty");
  }
  if (options.max_bytes <= 0) {
    return Status(ErrorCode::kInvalidParameterValue,
                  "the audit file's size limit must be positive");
  }
  std::unique_ptr<EventFileSink> sink(new EventFileSink(std::move(options)));
  if (!sink->to_stdout()) RETURN_IF_ERROR(sink->OpenCurrent());
  return sink;
}

Status EventFileSink::OpenCurrent() {
  Close();
  ASSIGN_OR_RETURN(LinesState data, ScanLines(options_.path));
  const SealsState seals = ScanSeals(digest_path_);
  // The chain goes on from the last digest written: PATH's, else the rotated file's, else the
  // one this sink remembers (its files were removed under it), else genesis.
  if (seals.last) {
    previous_ = seals.last->digest;
  } else if (const SealsState rotated = ScanSeals(options_.path + ".1.digest"); rotated.last) {
    previous_ = rotated.last->digest;
  } else if (previous_.empty()) {
    previous_ = kGenesisDigest;
  }
  const bool sealed = data.ends_with_newline && seals.clean &&
                      (seals.last ? seals.last->last_seq == data.lines : data.lines == 0);
  if (!sealed) {
    spdlog::warn("audit: {} does not match its digest file; it is kept as {}.1 and a new one begun",
                 options_.path, options_.path);
    return Rotate();
  }
  RETURN_IF_ERROR(OpenFiles());
  size_ = data.size;
  lines_ = data.lines;
  return Status::Ok();
}

Status EventFileSink::Rotate() {
  Close();
  const std::string& path = options_.path;
  if (options_.keep <= 0) {
    RETURN_IF_ERROR(RemoveIfExists(path));
    RETURN_IF_ERROR(RemoveIfExists(digest_path_));
  } else {
    auto numbered = [&path](int k) { return path + "." + std::to_string(k); };
    RETURN_IF_ERROR(RemoveIfExists(numbered(options_.keep)));
    RETURN_IF_ERROR(RemoveIfExists(numbered(options_.keep) + ".digest"));
    for (int k = options_.keep - 1; k >= 1; --k) {
      RETURN_IF_ERROR(RenameIfExists(numbered(k), numbered(k + 1)));
      RETURN_IF_ERROR(RenameIfExists(numbered(k) + ".digest", numbered(k + 1) + ".digest"));
    }
    RETURN_IF_ERROR(RenameIfExists(path, numbered(1)));
    RETURN_IF_ERROR(RenameIfExists(digest_path_, numbered(1) + ".digest"));
  }
  RETURN_IF_ERROR(OpenFiles());
  size_ = 0;
  lines_ = 0;
  return Status::Ok();
}

Status EventFileSink::OpenFiles() {
  constexpr int kFlags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC;
  fd_ = ::open(options_.path.c_str(), kFlags, 0600);
  if (fd_ < 0) return Failed("opening " + options_.path, errno);
  digest_fd_ = ::open(digest_path_.c_str(), kFlags, 0600);
  if (digest_fd_ < 0) {
    const int error = errno;
    Close();
    return Failed("opening " + digest_path_, error);
  }
  return Status::Ok();
}

void EventFileSink::Close() {
  if (fd_ >= 0) ::close(fd_);
  if (digest_fd_ >= 0) ::close(digest_fd_);
  fd_ = digest_fd_ = -1;
}

Status EventFileSink::Write(const std::vector<model::AuditEntry>& entries) {
  for (const model::AuditEntry& e : entries) {
    // A record is compact JSON; a newline in one would shift every line number after it.
    if (e.body.find('\n') != std::string::npos) {
      return Status(ErrorCode::kInternalFailure,
                    "an audit record holds a newline: its batch was not exported");
    }
  }
  if (to_stdout()) return WriteToStdout(entries);
  if (fd_ < 0) RETURN_IF_ERROR(OpenCurrent());
  size_t i = 0;
  while (i < entries.size()) {
    std::string text;
    ChainHasher hasher(previous_);
    int64_t number = lines_;
    size_t j = i;
    for (; j < entries.size(); ++j) {
      const std::string& body = entries[j].body;
      const int64_t size = size_ + static_cast<int64_t>(text.size());
      if (size > 0 && size + static_cast<int64_t>(body.size()) + 1 > options_.max_bytes) break;
      text += body;
      text += '\n';
      hasher.Add(++number, body);
    }
    if (j == i) {  // PATH is full: the next line begins a new one
      RETURN_IF_ERROR(Rotate());
      continue;
    }
    RETURN_IF_ERROR(Seal(text, lines_ + 1, number, hasher.Finish()));
    i = j;
  }
  return Status::Ok();
}

Status EventFileSink::Seal(const std::string& text, int64_t first, int64_t last,
                           const std::string& digest) {
  model::AuditDigest sealed{first, last, previous_, digest};
  if (options_.signer != nullptr)
    sealed.signature = options_.signer->Sign(sealed, DigestScope::kFile);
  const std::string line = FormatDigestLine(sealed) + "\n";
  Status s = WriteAll(fd_, text, options_.path);
  if (s.ok() && ::fdatasync(fd_) != 0) s = Failed("flushing " + options_.path, errno);
  if (s.ok()) s = WriteAll(digest_fd_, line, digest_path_);
  if (s.ok() && ::fdatasync(digest_fd_) != 0) s = Failed("flushing " + digest_path_, errno);
  if (!s.ok()) {
    Close();  // the next Write finds out what reached the disk
    return s;
  }
  size_ += static_cast<int64_t>(text.size());
  lines_ = last;
  previous_ = digest;
  return Status::Ok();
}

Status EventFileSink::WriteToStdout(const std::vector<model::AuditEntry>& entries) {
  std::string text;
  for (const model::AuditEntry& e : entries) {
    text += e.body;
    text += '\n';
  }
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
    return Failed("writing to standard output", errno);
  }
  return Status::Ok();
}

}  // namespace gatehouse::audit
