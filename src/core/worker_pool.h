// WorkerPool: a fixed set of threads that run submitted tasks in order of submission, with a
// bounded queue. TrySubmit refuses a task once `max_queued` tasks wait, so a burst is answered
// at once ("busy, try later") instead of piling up memory and latency without end. Work that is
// expensive by design (argon2id password hashing) runs here, off the threads that serve
// connections, and the pool's size caps how much of the machine it may take.
// Thread-safe. The destructor runs the tasks already queued, then joins the threads.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

namespace gatehouse {

class WorkerPool {
 public:
  // `threads` at least 1, named `name` (core/thread_name.h); `max_queued` tasks may wait beside
  // those running.
  WorkerPool(size_t threads, size_t max_queued, std::string_view name = "worker");
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; false, with nothing queued, when the queue is full or the pool is stopping.
  bool TrySubmit(std::function<void()> task);

  size_t queued() const;
  size_t threads() const { return threads_.size(); }

 private:
  void Run();

  const size_t max_queued_;
  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace gatehouse
