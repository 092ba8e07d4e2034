#include "store/audit_postings.h"

#include <algorithm>

#include "store/varint.h"

namespace gatehouse::store::audit_postings {

std::optional<std::pair<Code, std::string>> KeyOf(AuditAttribute attribute,
                                                  const std::string& value) {
  switch (attribute) {
    case AuditAttribute::kNone:
      return std::make_pair(kAccount, std::string());
    case AuditAttribute::kEventId:
      return std::nullopt;
    case AuditAttribute::kEventName:
      return std::make_pair(kEventName, value);
    case AuditAttribute::kReadOnly:
      return std::make_pair(kReadOnly, value);
    case AuditAttribute::kUsername:
      return std::make_pair(kUsername, value);
    case AuditAttribute::kResourceType:
      return std::make_pair(kResourceType, value);
    case AuditAttribute::kResourceName:
      return std::make_pair(kResourceName, value);
    case AuditAttribute::kEventSource:
      return std::make_pair(kEventSource, value);
    case AuditAttribute::kAccessKeyId:
      return std::make_pair(kAccessKeyId, value);
  }
  return std::nullopt;
}

std::vector<std::pair<Code, std::string_view>> KeysOf(const model::AuditEntry& e) {
  std::vector<std::pair<Code, std::string_view>> keys;
  keys.reserve(6 + 2 * e.resources.size());
  keys = {{kAccount, ""},
          {kEventName, e.event_name},
          {kReadOnly, e.read_only ? "true" : "false"},
          {kUsername, e.username},
          {kEventSource, e.event_source},
          {kAccessKeyId, e.access_key_id}};
  for (const auto& [type, name] : e.resources) {
    keys.emplace_back(kResourceType, type);
    keys.emplace_back(kResourceName, name);
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

void Add(Postings& postings, const model::AuditEntry& entry, int64_t seq) {
  for (const auto& [code, value] : KeysOf(entry)) {
    // Most keys of a batch's events repeat: a key is copied only the first time.
    auto it = postings.find(PostingKeyView(entry.account_id, code, value));
    if (it == postings.end()) {
      it = postings.try_emplace({entry.account_id, code, std::string(value)}).first;
    }
    Posting& p = it->second;
    p.seqs.push_back(seq);
    p.min_time = std::min(p.min_time, entry.time_ms);
    p.max_time = std::max(p.max_time, entry.time_ms);
  }
}

int64_t NewestFirst::Top() const {
  int64_t top = INT64_MIN;
  for (const Cursor& c : cursors_) top = std::max(top, c.seqs[c.left - 1]);
  return top;
}

bool NewestFirst::Wants(int64_t last_seq) const {
  return cursors_.empty() || std::min(last_seq, before_ - 1) >= Top();
}

void NewestFirst::Add(std::vector<int64_t> seqs) {
  const size_t left =
      static_cast<size_t>(std::lower_bound(seqs.begin(), seqs.end(), before_) - seqs.begin());
  if (left > 0) cursors_.push_back({std::move(seqs), left});
}

std::optional<int64_t> NewestFirst::Next() {
  if (cursors_.empty()) return std::nullopt;
  // Few lists are open at once (one, more only where completions reach back): a scan is enough.
  auto best = cursors_.begin();
  for (auto c = cursors_.begin(); c != cursors_.end(); ++c) {
    if (c->seqs[c->left - 1] > best->seqs[best->left - 1]) best = c;
  }
  const int64_t seq = best->seqs[--best->left];
  if (best->left == 0) cursors_.erase(best);
  return seq;
}

std::string Pack(const std::vector<int64_t>& seqs) {
  std::string out;
  uint64_t previous = 0;
  for (int64_t seq : seqs) {
    PutVarint(out, static_cast<uint64_t>(seq) - previous);
    previous = static_cast<uint64_t>(seq);
  }
  return out;
}

std::optional<std::vector<int64_t>> Unpack(const std::string& packed) {
  std::vector<int64_t> seqs;
  uint64_t previous = 0, gap = 0;
  for (std::string_view in(packed); !in.empty();) {
    if (!TakeVarint(in, gap)) return std::nullopt;  // cut in the middle of a number, or too long
    previous += gap;
    if (previous > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    seqs.push_back(static_cast<int64_t>(previous));
  }
  return seqs;
}

}  // namespace gatehouse::store::audit_postings
