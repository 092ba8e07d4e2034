#include "audit/recorder.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "audit/event_digest.h"
#include "core/thread_name.h"

namespace gatehouse::audit {
namespace {

constexpr int64_t kPruneEveryMs = 3600 * 1000;

}  // namespace

Recorder::Recorder(store::AuditLog& log, RecorderOptions options)
    : log_(log), options_(std::move(options)), sink_failing_(options_.sinks.size(), false) {
  const int64_t now = options_.now_ms();
  next_seal_ms_ = now + options_.seal_every_ms;
  next_prune_ms_ = now;
  thread_ = std::thread([this] {
    NameThisThread("audit-recorder");
    Run();
  });
}

Recorder::~Recorder() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_.notify_one();
  progress_.notify_all();
  thread_.join();
}

void Recorder::Record(model::AuditEntry entry) {
  std::unique_lock lock(mu_);
  progress_.wait(lock, [&] { return queue_.size() < options_.capacity || stopping_; });
  queue_.push_back(std::move(entry));
  ++recorded_;
  // The writer sleeps on an empty queue, or lets a batch fill: wake it only when that changes.
  if (queue_.size() == 1 || queue_.size() == options_.max_batch) work_.notify_one();
}

Status Recorder::Flush() {
  std::unique_lock lock(mu_);
  const uint64_t target = recorded_;
  ++flushes_;
  work_.notify_one();
  progress_.wait(lock, [&] { return stored_ >= target; });
  --flushes_;
  return last_error_;
}

bool Recorder::WaitForBatch(std::unique_lock<std::mutex>& lock) {
  work_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_ || !queue_.empty(); });
  if (queue_.empty()) return false;
  work_.wait_for(lock, std::chrono::milliseconds(options_.linger_ms),
                 [&] { return stopping_ || flushes_ > 0 || queue_.size() >= options_.max_batch; });
  return true;
}

void Recorder::Run() {
  Maintain(options_.now_ms());  // a prune at start, however short the recorder's life
  std::unique_lock lock(mu_);
  while (true) {
    if (WaitForBatch(lock)) {
      const size_t n = std::min(queue_.size(), options_.max_batch);
      std::vector<model::AuditEntry> batch(
          std::make_move_iterator(queue_.begin()),
          std::make_move_iterator(queue_.begin() + static_cast<ptrdiff_t>(n)));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<ptrdiff_t>(n));
      progress_.notify_all();  // room in the queue
      lock.unlock();
      Append(std::move(batch));
    } else if (stopping_) {
      return;
    } else {
      lock.unlock();
    }
    // Cheap unless a seal or a prune is due: also under a queue that never empties.
    Maintain(options_.now_ms());
    lock.lock();
  }
}

void Recorder::Append(std::vector<model::AuditEntry> batch) {
  Status s = log_.AppendAudit(batch);
  if (!s.ok()) spdlog::error("audit: {} events could not be stored: {}", batch.size(), s.message());
  if (s.ok()) Export(batch);  // before counting them stored: Flush waits for the exports too
  std::lock_guard lock(mu_);
  stored_ += batch.size();
  if (!s.ok()) last_error_ = s;
  progress_.notify_all();
}

void Recorder::Export(const std::vector<model::AuditEntry>& batch) {
  for (size_t i = 0; i < options_.sinks.size(); ++i) {
    Status s = options_.sinks[i]->Write(batch);
    if (!s.ok() && !sink_failing_[i]) {
      spdlog::error(
          "audit: exporting events failed: {} (further failures are not logged until it recovers)",
          s.message());
    } else if (s.ok() && sink_failing_[i]) {
      spdlog::info("audit: exporting events again");
    }
    sink_failing_[i] = !s.ok();
  }
}

void Recorder::Maintain(int64_t now_ms) {
  if (Status s = log_.SyncAudit(); !s.ok()) spdlog::warn("audit: syncing: {}", s.message());
  if (now_ms >= next_seal_ms_) {
    next_seal_ms_ = now_ms + options_.seal_every_ms;
    // What was numbered a round ago: every transaction that took a lower number has ended.
    const int64_t through = seen_seq_;
    if (Result<int64_t> latest = log_.LatestAuditSeq(); latest.ok()) seen_seq_ = *latest;
    if (Status s = Seal(through); !s.ok()) spdlog::warn("audit: sealing: {}", s.message());
  }
  if (now_ms >= next_prune_ms_) {
    next_prune_ms_ = now_ms + kPruneEveryMs;
    if (Status s = log_.PruneAudit(now_ms - options_.retain_ms); !s.ok()) {
      spdlog::warn("audit: pruning: {}", s.message());
    }
  }
}

Status Recorder::Seal(int64_t through_seq) {
  if (!last_digest_) {
    ASSIGN_OR_RETURN(std::vector<model::AuditDigest> digests, log_.AuditDigests());
    last_digest_ =
        digests.empty() ? model::AuditDigest{0, 0, kGenesisDigest, kGenesisDigest} : digests.back();
  }
  while (last_digest_ && last_digest_->last_seq < through_seq) {
    ASSIGN_OR_RETURN(bool sealed, SealNext(through_seq));
    if (!sealed) break;
  }
  return Status::Ok();
}

Result<bool> Recorder::SealNext(int64_t through_seq) {
  const int64_t first = last_digest_->last_seq + 1;
  // A span without events (numbers a failed transaction took) joins the next one with some.
  int64_t last = first - 1;
  std::vector<model::AuditBody> events;
  while (events.empty() && last < through_seq) {
    const int64_t from = last + 1;
    last = std::min(through_seq, last + options_.seal_span);
    ASSIGN_OR_RETURN(events, log_.AuditEvents(from, last));
  }
  if (events.empty()) return false;
  model::AuditDigest next{first, last, last_digest_->digest,
                          ChainDigest(last_digest_->digest, events)};
  if (options_.signer != nullptr) next.signature = options_.signer->Sign(next, DigestScope::kStore);
  Status s = log_.AppendAuditDigest(next);
  if (s.code() == ErrorCode::kStoreConflict) {
    last_digest_.reset();  // another instance sealed: read the chain again next time
    return false;
  }
  RETURN_IF_ERROR(s);
  last_digest_ = next;
  return true;
}

}  // namespace gatehouse::audit
