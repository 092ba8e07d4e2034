// The audit trail's background work on one instance: events that did not travel with a change
// (read-only calls, refused and failed calls, the completion of a mutating call's event with its
// answer) are queued and appended in batches, off the request's path; events are sealed into
// the chain of digests (audit/event_digest.h) every seal_every_ms; events older than retain_ms
// (90 days) are pruned; what was appended is synced where appends are not (store/audit_log.h,
// SyncAudit), on quiet rounds too. The writer lets a batch fill for up to linger_ms before
// appending it (a Flush cuts that short): one transaction of many events costs the store far less
// than many of a few, whose pages it would write again each time. Record blocks while the queue is
// full, so that a burst slows callers instead of losing events. Each batch the store appended is
// then handed to the sinks (exports, audit/event_sink.h), in order; a sink's failure is logged once
// until it writes again, and never stops the recorder. The destructor stores what is queued.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "audit/digest_signature.h"
#include "audit/event_sink.h"
#include "core/status.h"
#include "model/audit_entities.h"
#include "store/audit_log.h"

namespace gatehouse::audit {

struct RecorderOptions {
  size_t capacity = 20000;  // events queued at most
  size_t max_batch = 1000;  // events appended in one transaction at most
  // How long a batch may wait to fill up. Each append rewrites the last page of each of the
  // trail's tables and indexes (64 KiB each in SQLite's audit file), and the disk's time goes to
  // the commits' syncs too: 250 ms makes batches of a writing load (a few thousand calls a
  // second) five times larger than 50 ms did, and took CreateUser from 0.84 to 0.90 of its
  // throughput without the trail. A busy read load fills max_batch well within it.
  int64_t linger_ms = 250;
  int64_t seal_every_ms = 5 * 60 * 1000;
  // Event numbers one digest covers at most: a store that holds millions of events no digest
  // covers yet (an upgrade, a long outage) is sealed a bounded read at a time.
  int64_t seal_span = 10000;
  int64_t retain_ms = 90LL * 24 * 3600 * 1000;
  std::function<int64_t()> now_ms;       // the clock (the server's, which tests move)
  std::vector<EventSink*> sinks;         // not owned; they outlive the recorder
  const DigestSigner* signer = nullptr;  // signs each digest sealed when given; not owned
};

class Recorder {
 public:
  Recorder(store::AuditLog& log, RecorderOptions options);
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // Queues `entry` for appending (an upsert: see store/audit_log.h).
  void Record(model::AuditEntry entry);
  // Waits until every event recorded before the call is stored; the last append's error.
  Status Flush();
  // Seals the events numbered up to `through_seq` that no digest covers yet; Ok when there are
  // none, or when another instance sealed them first.
  Status Seal(int64_t through_seq);

 private:
  void Run();
  // Waits (lock held) until a batch is due: a full one, or a partial one after linger_ms, at
  // once when flushing or stopping; false when the queue is empty.
  bool WaitForBatch(std::unique_lock<std::mutex>& lock);
  // Appends a batch taken from the queue (without the lock held).
  void Append(std::vector<model::AuditEntry> batch);
  void Export(const std::vector<model::AuditEntry>& batch);
  void Maintain(int64_t now_ms);
  // Seals the events numbered after the last digest, up to seal_span numbers of them and never
  // past `through_seq`; false when there were none, or another instance sealed first.
  Result<bool> SealNext(int64_t through_seq);

  store::AuditLog& log_;
  RecorderOptions options_;
  std::mutex mu_;
  std::condition_variable work_;      // for the writer: events queued, a flush asked, stopping_
  std::condition_variable progress_;  // for callers: room in the queue, events stored
  std::deque<model::AuditEntry> queue_;
  uint64_t recorded_ = 0;  // events ever queued
  uint64_t stored_ = 0;    // events ever taken and appended (or failed)
  Status last_error_;
  int flushes_ = 0;  // Flush calls waiting: the writer does not let a batch fill meanwhile
  bool stopping_ = false;
  // Sealing: the highest number seen at the last round (sealed at the next, once every
  // transaction that took a lower number has had time to commit), and the last digest known.
  int64_t seen_seq_ = 0;
  int64_t next_seal_ms_ = 0;
  int64_t next_prune_ms_ = 0;
  std::optional<model::AuditDigest> last_digest_;
  std::vector<bool> sink_failing_;  // per sink: its last Write failed (and was logged)
  std::thread thread_;
};

}  // namespace gatehouse::audit
