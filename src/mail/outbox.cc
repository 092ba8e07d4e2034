#include "mail/outbox.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/crypto.h"
#include "core/time_format.h"

namespace gatehouse::mail {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSuffix = ".eml";
constexpr std::string_view kTempPrefix = ".tmp-";
constexpr std::string_view kReasonSuffix = ".reason";

int64_t SystemSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "20261129T172000Z-0123456789abcdef": the only names Read and Remove accept, so that an id can
// never reach outside the directory.
bool IsId(std::string_view id) {
  if (id.size() != 33 || id[8] != 'T' || id[15] != 'Z' || id[16] != '-') return false;
  for (size_t i = 0; i < id.size(); ++i) {
    if (i == 8 || i == 15 || i == 16) continue;
    char c = id[i];
    bool ok = i < 16 ? (c >= '0' && c <= '9') : ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    if (!ok) return false;
  }
  return true;
}

Status IoError(const std::string& what, const std::string& path) {
  return Status(ErrorCode::kServiceFailure, what + " " + path + ": " + std::strerror(errno));
}

// The value of the header `name` ("From") in the header block of `data`, empty when absent.
std::string HeaderValue(const std::string& data, std::string_view name) {
  size_t pos = 0;
  while (pos < data.size()) {
    size_t end = data.find("\r\n", pos);
    if (end == std::string::npos || end == pos) break;  // the blank line ends the headers
    std::string_view line(data.data() + pos, end - pos);
    if (line.size() > name.size() + 1 && line.substr(0, name.size()) == name &&
        line[name.size()] == ':') {
      std::string_view value = line.substr(name.size() + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      return std::string(value);
    }
    pos = end + 2;
  }
  return "";
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

// Renames `from` to `to` (same file system) and flushes both folders; NoSuchEntity with
// `missing` when `from` does not exist.
Status MoveDurably(const std::string& from, const std::string& to, const std::string& missing) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    if (errno == ENOENT) return Status(ErrorCode::kNoSuchEntity, missing);
    return IoError("cannot move", from);
  }
  SyncDirectory(fs::path(to).parent_path());
  SyncDirectory(fs::path(from).parent_path());
  return Status::Ok();
}

// The ids of the mails in `dir`, oldest first.
std::vector<std::string> ListIds(const std::string& dir) {
  std::vector<std::string> ids;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (!name.ends_with(kSuffix)) continue;
    name.resize(name.size() - kSuffix.size());
    if (IsId(name)) ids.push_back(std::move(name));
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

Result<QueuedMail> ReadMail(const std::string& dir, const std::string& id) {
  if (!IsId(id)) return Status(ErrorCode::kNoSuchEntity, "No mail " + id + ".");
  std::ifstream in(dir + "/" + id + std::string(kSuffix), std::ios::binary);
  if (!in) return Status(ErrorCode::kNoSuchEntity, "No mail " + id + ".");
  std::ostringstream data;
  data << in.rdbuf();
  QueuedMail mail{id, "", "", data.str()};
  mail.from = HeaderValue(mail.data, "From");
  mail.to = HeaderValue(mail.data, "To");
  if (mail.from.empty() || mail.to.empty()) {
    return Status(ErrorCode::kServiceFailure, "The mail " + id + " has no From or To.");
  }
  return mail;
}

}  // namespace

Result<std::unique_ptr<Outbox>> Outbox::Open(const std::string& dir, Random& random,
                                             std::function<int64_t()> now_seconds) {
  std::error_code ec;
  for (const std::string& folder : {dir, dir + "/dead"}) {
    fs::create_directories(folder, ec);
    if (ec)
      return Status(ErrorCode::kServiceFailure, "cannot create " + folder + ": " + ec.message());
    fs::permissions(folder, fs::perms::owner_all, fs::perm_options::replace, ec);
    if (ec) {
      return Status(ErrorCode::kServiceFailure, "cannot restrict " + folder + ": " + ec.message());
    }
  }
  for (const std::string& folder : {dir, dir + "/dead"}) {
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
      if (entry.path().filename().string().starts_with(kTempPrefix)) fs::remove(entry.path(), ec);
    }
  }
  if (!now_seconds) now_seconds = SystemSeconds;
  return std::unique_ptr<Outbox>(new Outbox(dir, random, std::move(now_seconds)));
}

Result<std::string> Outbox::Queue(const MailMessage& message) {
  int64_t now = now_seconds_();
  std::string id = FormatAmzDate(now) + "-" + HexEncode(random_.Bytes(8));
  Result<std::string> rendered = RenderMailMessage(message, now, id);
  if (!rendered.ok()) return rendered.status();

  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(WriteDurably(dir_, id + std::string(kSuffix), *rendered));
  spdlog::info("queued mail {} to {}: {}", id, message.to, message.subject);
  return id;
}

std::vector<std::string> Outbox::List() const { return ListIds(dir_); }

Result<QueuedMail> Outbox::Read(const std::string& id) const { return ReadMail(dir_, id); }

Status Outbox::Remove(const std::string& id) {
  if (!IsId(id)) return Status(ErrorCode::kNoSuchEntity, "No queued mail " + id + ".");
  std::lock_guard lock(mu_);
  const std::string path = dir_ + "/" + id + std::string(kSuffix);
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return Status(ErrorCode::kNoSuchEntity, "No queued mail " + id + ".");
    return IoError("cannot remove", path);
  }
  return Status::Ok();
}

Status Outbox::Park(const std::string& id, const std::string& reason) {
  if (!IsId(id)) return Status(ErrorCode::kNoSuchEntity, "No queued mail " + id + ".");
  std::lock_guard lock(mu_);
  // The reason first: a parked mail always has one, a stray reason file is harmless.
  RETURN_IF_ERROR(WriteDurably(dead_dir(), id + std::string(kReasonSuffix), reason + "\n"));
  RETURN_IF_ERROR(MoveDurably(dir_ + "/" + id + std::string(kSuffix),
                              dead_dir() + "/" + id + std::string(kSuffix),
                              "No queued mail " + id + "."));
  spdlog::warn("mail {} parked in {}: {}", id, dead_dir(), reason);
  return Status::Ok();
}

std::vector<std::string> Outbox::ListParked() const { return ListIds(dead_dir()); }

Result<ParkedMail> Outbox::ReadParked(const std::string& id) const {
  Result<QueuedMail> mail = ReadMail(dead_dir(), id);
  if (!mail.ok()) return mail.status();
  std::ifstream in(dead_dir() + "/" + id + std::string(kReasonSuffix), std::ios::binary);
  std::string reason;
  std::getline(in, reason);
  return ParkedMail{std::move(*mail), std::move(reason)};
}

Status Outbox::Replay(const std::string& id) {
  if (!IsId(id)) return Status(ErrorCode::kNoSuchEntity, "No parked mail " + id + ".");
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(MoveDurably(dead_dir() + "/" + id + std::string(kSuffix),
                              dir_ + "/" + id + std::string(kSuffix),
                              "No parked mail " + id + "."));
  ::unlink((dead_dir() + "/" + id + std::string(kReasonSuffix)).c_str());
  spdlog::info("mail {} replayed: queued again", id);
  return Status::Ok();
}

}  // namespace gatehouse::mail
