#include "store/memory_audit.h"

#include <algorithm>

namespace gatehouse::store {
namespace {

bool Matches(const AuditQuery& q, const model::AuditEntry& e) {
  if (e.account_id != q.account_id || e.time_ms < q.start_ms || e.time_ms > q.end_ms) return false;
  auto named = [&](bool by_type) {
    return std::any_of(e.resources.begin(), e.resources.end(),
                       [&](const auto& r) { return (by_type ? r.first : r.second) == q.value; });
  };
  switch (q.attribute) {
    case AuditAttribute::kNone:
      return true;
    case AuditAttribute::kEventId:
      return e.event_id == q.value;
    case AuditAttribute::kEventName:
      return e.event_name == q.value;
    case AuditAttribute::kReadOnly:
      return e.read_only == (q.value == "true");
    case AuditAttribute::kUsername:
      return e.username == q.value;
    case AuditAttribute::kEventSource:
      return e.event_source == q.value;
    case AuditAttribute::kAccessKeyId:
      return e.access_key_id == q.value;
    case AuditAttribute::kResourceType:
      return named(true);
    case AuditAttribute::kResourceName:
      return named(false);
  }
  return false;
}

}  // namespace

void MemoryAuditTables::Append(const std::vector<model::AuditEntry>& entries) {
  for (const model::AuditEntry& e : entries) {
    auto [it, inserted] = by_id_.emplace(std::make_pair(e.account_id, e.event_id), next_seq_);
    if (inserted) {
      events_[next_seq_++] = e;
    } else if (!Sealed(it->second)) {
      events_[it->second] = e;
    }
  }
}

std::vector<AuditRow> MemoryAuditTables::Lookup(const AuditQuery& query) const {
  std::vector<AuditRow> rows;
  for (auto it = events_.rbegin(); it != events_.rend(); ++it) {
    if (static_cast<int>(rows.size()) >= query.limit) break;
    if (query.before_seq != 0 && it->first >= query.before_seq) continue;
    if (Matches(query, it->second)) rows.push_back({it->first, it->second});
  }
  return rows;
}

void MemoryAuditTables::Prune(int64_t before_ms) {
  int64_t through = 0;
  for (const auto& [seq, e] : events_) {
    if (e.time_ms < before_ms) through = std::max(through, seq);
  }
  for (const model::AuditDigest& d : digests_) {
    // Never into a sealed batch: from the start of one the cut would fall in.
    if (d.first_seq <= through && d.last_seq > through) through = d.first_seq - 1;
  }
  for (auto it = events_.begin(); it != events_.end() && it->first <= through;) {
    by_id_.erase({it->second.account_id, it->second.event_id});
    it = events_.erase(it);
  }
  std::erase_if(digests_, [&](const model::AuditDigest& d) { return d.last_seq <= through; });
}

std::vector<model::AuditBody> MemoryAuditTables::Bodies(int64_t first_seq, int64_t last_seq) const {
  std::vector<model::AuditBody> out;
  for (auto it = events_.lower_bound(first_seq); it != events_.end() && it->first <= last_seq;
       ++it) {
    out.push_back({it->first, it->second.body});
  }
  return out;
}

Status MemoryAuditTables::AppendDigest(const model::AuditDigest& digest) {
  const int64_t last_seq = digests_.empty() ? 0 : digests_.back().last_seq;
  const std::string previous = digests_.empty() ? std::string(64, '0') : digests_.back().digest;
  if (digest.previous != previous || digest.first_seq <= last_seq) {
    return Status(ErrorCode::kStoreConflict, "another digest was sealed first");
  }
  digests_.push_back(digest);
  return Status::Ok();
}

}  // namespace gatehouse::store
