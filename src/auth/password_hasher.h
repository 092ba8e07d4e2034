// PasswordHasher: argon2id hashing and verification (auth/password.h) on a small bounded worker
// pool, so that at most `threads` hashes run at once — each takes tens of milliseconds and 64 MiB
// — whatever the number of requests, and not on the threads that serve connections. The
// caller waits for its own hash; when `max_queued` already wait, the answer is at once
// Throttling ("Rate exceeded"), never an unbounded queue.
//
// With a null hasher the free functions below hash on the calling thread (tools and tests).
// Thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/worker_pool.h"

namespace gatehouse::auth {

class PasswordHasher {
 public:
  static constexpr size_t kDefaultThreads = 2;
  static constexpr size_t kDefaultMaxQueued = 32;

  explicit PasswordHasher(size_t threads = kDefaultThreads, size_t max_queued = kDefaultMaxQueued)
      : pool_(threads, max_queued, "password-hash") {}

  // HashPassword, on the pool. ServiceFailure when argon2 cannot allocate its memory.
  Result<std::string> Hash(std::string_view password);
  // VerifyPassword, on the pool.
  Result<bool> Verify(std::string_view password, std::string_view hash);
  // Verifies `password` against `hash`, then spends as long as verifying against a hash of the
  // interactive cost would when `hash` is cheaper (a server-drawn random password's), so that
  // the time taken never tells which kind of hash, or none, stood behind a name. `hash` empty:
  // only the stand-in is verified, and the answer is false.
  Result<bool> VerifyInConstantTime(std::string_view password, std::string_view hash);

  // Runs `task` on the pool and waits for it; Throttling when the queue is full.
  Status RunAndWait(const std::function<void()>& task);

  // Tasks waiting for a thread.
  size_t queued() const { return pool_.queued(); }

 private:
  WorkerPool pool_;
};

Status HasherBusy();

// The same operations through `hasher`, or on the calling thread when it is null.
Result<std::string> HashPasswordWith(PasswordHasher* hasher, std::string_view password);
Result<bool> VerifyPasswordWith(PasswordHasher* hasher, std::string_view password,
                                std::string_view hash);
Result<bool> VerifyInConstantTimeWith(PasswordHasher* hasher, std::string_view password,
                                      std::string_view hash);

}  // namespace gatehouse::auth
