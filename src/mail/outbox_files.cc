#include "mail/outbox_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace gatehouse::mail {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSuffix = ".eml";
constexpr std::string_view kTempPrefix = ".tmp-";

Status IoError(const std::string& what, const std::string& path) {
  return Status(ErrorCode::kServiceFailure, what + " " + path + ": " + std::strerror(errno));
}

// Flushes a directory, so that a rename or a new file in it survives a crash.
void SyncDirectory(const std::string& dir) {
  if (int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

// Writes `data` to dir/name whole or not at all: a hidden temporary file, flushed, renamed.
Status WriteDurably(const std::string& dir, const std::string& name, const std::string& data) {
  const std::string temp = dir + "/" + std::string(kTempPrefix) + name;
  const std::string path = dir + "/" + name;
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("cannot create", temp);
  size_t written = 0;
  while (written < data.size()) {
    ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  bool ok = written == data.size() && ::fsync(fd) == 0;
  Status failure = ok ? Status::Ok() : IoError("cannot write", temp);
  ::close(fd);
  if (ok && ::rename(temp.c_str(), path.c_str()) != 0) {
    ok = false;
    failure = IoError("cannot rename", temp);
  }
  if (!ok) {
    ::unlink(temp.c_str());
    return failure;
  }
  SyncDirectory(dir);
  return Status::Ok();
}

}  // namespace

bool IsOutboxId(std::string_view id) {
  if (id.size() != 33 || id[8] != 'T' || id[15] != 'Z' || id[16] != '-') return false;
  for (size_t i = 0; i < id.size(); ++i) {
    if (i == 8 || i == 15 || i == 16) continue;
    char c = id[i];
    bool ok = i < 16 ? (c >= '0' && c <= '9') : ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    if (!ok) return false;
  }
  return true;
}

Result<std::unique_ptr<OutboxFiles>> OutboxFiles::Open(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status(ErrorCode::kServiceFailure, "cannot create " + dir + ": " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) return Status(ErrorCode::kServiceFailure, "cannot restrict " + dir + ": " + ec.message());
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().filename().string().starts_with(kTempPrefix)) fs::remove(entry.path(), ec);
  }
  return std::unique_ptr<OutboxFiles>(new OutboxFiles(dir));
}

Status OutboxFiles::Write(const std::string& id, const std::string& data) {
  if (!IsOutboxId(id)) return Status(ErrorCode::kInvalidInput, "Not an outbox id: " + id);
  return WriteDurably(dir_, id + std::string(kSuffix), data);
}

std::vector<std::string> OutboxFiles::List() const {
  std::vector<std::string> ids;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    std::string name = entry.path().filename().string();
    if (!name.ends_with(kSuffix)) continue;
    name.resize(name.size() - kSuffix.size());
    if (IsOutboxId(name)) ids.push_back(std::move(name));
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace gatehouse::mail
