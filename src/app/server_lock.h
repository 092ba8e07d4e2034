// Who owns a data directory. `gatehouse serve` holds an exclusive flock on DATA/server.lock for
// its whole life and publishes where its admin endpoint listens in DATA/server.json (0600,
// {"endpoint":"http://127.0.0.1:4566"}). A command that changes the data directory tries the
// same lock: when it gets it no server runs, and none can start until the command is done, so
// the command may work on the store itself; when the lock is held, it asks the server instead.
// The kernel drops a flock when its holder exits, however it exits, so a crash leaves no stale
// lock; server.json may outlive its server and is trusted only while the lock is held.
// A ServerLock is movable, not copyable; one thread uses it.
#pragma once

#include <chrono>
#include <string>

#include "core/status.h"

namespace gatehouse::app {

class ServerLock {
 public:
  // Tries to take DATA/server.lock (creating it), for up to `wait`. A lock held elsewhere all
  // that time is not an error: the result is then not acquired().
  static Result<ServerLock> Acquire(const std::string& data_dir,
                                    std::chrono::milliseconds wait = std::chrono::milliseconds(0));

  ServerLock(ServerLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  ServerLock& operator=(ServerLock&& other) noexcept;
  ServerLock(const ServerLock&) = delete;
  ServerLock& operator=(const ServerLock&) = delete;
  ~ServerLock();

  bool acquired() const { return fd_ >= 0; }

 private:
  explicit ServerLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// DATA/server.json: written by the server once it listens, removed when it stops.
Status WriteServerInfo(const std::string& data_dir, const std::string& endpoint);
void RemoveServerInfo(const std::string& data_dir);
// The endpoint recorded in DATA/server.json; NoSuchEntity when the file is missing.
Result<std::string> ReadServerEndpoint(const std::string& data_dir);

}  // namespace gatehouse::app
