#include "app/data_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/crypto.h"

namespace gatehouse::app {
namespace {

constexpr size_t kOperatorSecretSize = 32;

Status Failure(const std::string& what) {
  return Status(ErrorCode::kServiceFailure, what + ": " + std::strerror(errno));
}

}  // namespace

Status WritePrivateFile(const std::string& path, const std::string& content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Failure("cannot write " + tmp);
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      ::close(fd);
      return Failure("cannot write " + tmp);
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) return Failure("cannot write " + tmp);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Failure("cannot rename " + tmp);
  return Status::Ok();
}

Result<std::string> MasterKeyFromHex(std::string_view hex) {
  std::optional<std::string> key = HexDecode(hex);
  if (hex.size() != 2 * kSealKeySize || !key) {
    return Status(ErrorCode::kInvalidParameterValue, "the master key must be 64 hex digits");
  }
  return *std::move(key);
}

Result<std::string> LoadOrCreateMasterKey(const std::string& data_dir, Random& random) {
  std::string path = data_dir + "/master.key";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    if (Status s = WritePrivateFile(path, random.Bytes(kSealKeySize)); !s.ok()) return s;
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  }
  if (fd < 0) return Failure("cannot read " + path);
  std::string key(kSealKeySize + 1, '\0');
  ssize_t n = ::read(fd, key.data(), key.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(kSealKeySize)) {
    return Status(ErrorCode::kServiceFailure, path + " must hold exactly 32 bytes");
  }
  key.resize(kSealKeySize);
  return key;
}

Result<std::string> ReadOperatorSecret(const std::string& data_dir) {
  std::string path = data_dir + "/operator.secret";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Failure("cannot read " + path);
  std::string secret(2 * kOperatorSecretSize + 2, '\0');
  ssize_t n = ::read(fd, secret.data(), secret.size());
  ::close(fd);
  if (n < 0) return Failure("cannot read " + path);
  secret.resize(static_cast<size_t>(n));
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.size() != 2 * kOperatorSecretSize) {
    return Status(ErrorCode::kServiceFailure, path + " must hold 64 hex digits");
  }
  return secret;
}

Result<std::string> LoadOrCreateOperatorSecret(const std::string& data_dir, Random& random) {
  std::string path = data_dir + "/operator.secret";
  if (::access(path.c_str(), F_OK) != 0 && errno == ENOENT) {
    if (Status s = WritePrivateFile(path, HexEncode(random.Bytes(kOperatorSecretSize)) + "\n");
        !s.ok()) {
      return s;
    }
  }
  return ReadOperatorSecret(data_dir);
}

}  // namespace gatehouse::app
