#include "app/server_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "app/data_dir.h"

namespace gatehouse::app {

Result<ServerLock> ServerLock::Acquire(const std::string& data_dir,
                                       std::chrono::milliseconds wait) {
  std::string path = data_dir + "/server.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status(ErrorCode::kServiceFailure, "cannot open " + path + ": " + std::strerror(errno));
  }
  auto deadline = std::chrono::steady_clock::now() + wait;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      Status failed(ErrorCode::kServiceFailure,
                    "cannot lock " + path + ": " + std::strerror(errno));
      ::close(fd);
      return failed;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::close(fd);
      return ServerLock(-1);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return ServerLock(fd);
}

ServerLock& ServerLock::operator=(ServerLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

ServerLock::~ServerLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the only descriptor drops the lock
}

Status WriteServerInfo(const std::string& data_dir, const std::string& endpoint) {
  return WritePrivateFile(data_dir + "/server.json",
                          nlohmann::json{{"endpoint", endpoint}}.dump() + "\n");
}

void RemoveServerInfo(const std::string& data_dir) {
  ::unlink((data_dir + "/server.json").c_str());
}

Result<std::string> ReadServerEndpoint(const std::string& data_dir) {
  std::string path = data_dir + "/server.json";
  std::ifstream in(path);
  if (!in) return Status(ErrorCode::kNoSuchEntity, path + " is missing");
  std::ostringstream text;
  text << in.rdbuf();
  nlohmann::json info = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (info.is_discarded() || !info.is_object() || !info.contains("endpoint") ||
      !info["endpoint"].is_string()) {
    return Status(ErrorCode::kServiceFailure, path + " has no endpoint");
  }
  return info["endpoint"].get<std::string>();
}

}  // namespace gatehouse::app
