#include "audit/event_digest.h"

#include "core/crypto.h"

namespace gatehouse::audit {

std::string ChainDigest(std::string_view previous, const std::vector<StoredEvent>& events) {
  std::string input(previous);
  input += '\n';
  for (const StoredEvent& e : events) {
    input += std::to_string(e.seq);
    input += ' ';
    input += HexEncode(Sha256(e.body));
    input += '\n';
  }
  return HexEncode(Sha256(input));
}

std::optional<ChainBreak> FirstBrokenLink(
    const std::vector<EventDigest>& digests,
    const std::function<std::vector<StoredEvent>(int64_t, int64_t)>& read) {
  std::string previous = kGenesisDigest;
  int64_t last_seq = 0;
  for (size_t i = 0; i < digests.size(); ++i) {
    const EventDigest& d = digests[i];
    auto broken = [&](std::string reason) { return ChainBreak{i, d.first_seq, std::move(reason)}; };
    if (d.previous != previous) return broken("its previous digest is not the batch before's");
    if (d.first_seq <= last_seq || d.last_seq < d.first_seq) {
      return broken("its events overlap the batch before or are out of order");
    }
    std::vector<StoredEvent> events = read(d.first_seq, d.last_seq);
    for (size_t k = 0; k < events.size(); ++k) {
      const bool in_range = events[k].seq >= d.first_seq && events[k].seq <= d.last_seq;
      if (!in_range || (k > 0 && events[k].seq <= events[k - 1].seq)) {
        return broken("its events are not those it sealed, in order");
      }
    }
    if (ChainDigest(previous, events) != d.digest) {
      return broken("an event it sealed was changed, removed or added");
    }
    previous = d.digest;
    last_seq = d.last_seq;
  }
  return std::nullopt;
}

}  // namespace gatehouse::audit
