#include "audit/event_digest.h"

#include "core/crypto.h"

namespace gatehouse::audit {

// The hashed text is `previous`, then one line per event: "<number> <hex SHA-256 of record>".
ChainHasher::ChainHasher(std::string_view previous) {
  stream_.Update(previous);
  stream_.Update("\n");
}

void ChainHasher::Add(int64_t number, std::string_view record) {
  stream_.Update(std::to_string(number));
  stream_.Update(" ");
  stream_.Update(HexEncode(Sha256(record)));
  stream_.Update("\n");
}

std::string ChainHasher::Finish() const { return HexEncode(stream_.Digest()); }

std::string ChainDigest(std::string_view previous, const std::vector<StoredEvent>& events) {
  ChainHasher hasher(previous);
  for (const StoredEvent& e : events) hasher.Add(e.seq, e.body);
  return hasher.Finish();
}

ChainStart StartOfKeptChain(const std::vector<EventDigest>& digests) {
  if (digests.empty()) return {};
  return {digests.front().previous, 0};
}

std::optional<ChainBreak> FirstBrokenLink(const std::vector<EventDigest>& digests,
                                          const EventReader& read, const ChainStart& start) {
  std::string previous = start.previous;
  int64_t last_seq = start.after_seq;
  for (size_t i = 0; i < digests.size(); ++i) {
    const EventDigest& d = digests[i];
    auto broken = [&](std::string reason) { return ChainBreak{i, d.first_seq, std::move(reason)}; };
    if (d.previous != previous) return broken("its previous digest is not the batch before's");
    if (d.first_seq <= last_seq || d.last_seq < d.first_seq) {
      return broken("its events overlap the batch before or are out of order");
    }
    ChainHasher hasher(previous);
    int64_t seen = d.first_seq - 1;
    bool in_order = true;
    read(d.first_seq, d.last_seq, [&](int64_t seq, std::string_view record) {
      if (seq <= seen || seq > d.last_seq) in_order = false;
      seen = seq;
      hasher.Add(seq, record);
    });
    if (!in_order) return broken("its events are not those it sealed, in order");
    if (hasher.Finish() != d.digest) {
      return broken("an event it sealed was changed, removed or added");
    }
    previous = d.digest;
    last_seq = d.last_seq;
  }
  return std::nullopt;
}

std::optional<ChainBreak> FirstBrokenLink(
    const std::vector<EventDigest>& digests,
    const std::function<std::vector<StoredEvent>(int64_t, int64_t)>& read,
    const ChainStart& start) {
  EventReader reader = [&read](int64_t first, int64_t last, const EventVisitor& add) {
    for (const StoredEvent& e : read(first, last)) add(e.seq, e.body);
  };
  return FirstBrokenLink(digests, reader, start);
}

}  // namespace gatehouse::audit
