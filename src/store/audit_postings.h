// Internal to store/: the SQLite audit log's postings. Instead of one index entry per event and
// attribute, each appended batch writes one posting per (account, attribute, value) it holds:
// the numbers of the batch's events with that value, packed, with the batch's first and last
// number and the range of their times. A lookup walks one key's postings newest first, skips
// those outside the time range whole, and reads only the events it returns; appending costs
// the store a handful of rows per batch rather than eight index entries per event. The codes
// and the packing are stored: never change them, only add.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "model/audit_entities.h"
#include "store/audit_log.h"

namespace gatehouse::store::audit_postings {

// The stored code of a posting's key; kAccount lists every event of the account.
enum Code : int64_t {
  kAccount = 0,
  kEventName = 1,
  kReadOnly = 2,
  kUsername = 3,
  kResourceType = 4,
  kResourceName = 5,
  kEventSource = 6,
  kAccessKeyId = 7,
};

// The posting a lookup by `attribute` = `value` walks (kReadOnly's value "true" or "false");
// none for kEventId, which the event id's own index answers.
std::optional<std::pair<Code, std::string>> KeyOf(AuditAttribute attribute,
                                                  const std::string& value);

// The (code, value) keys an event is listed under, each once; the values are views into `entry`.
std::vector<std::pair<Code, std::string_view>> KeysOf(const model::AuditEntry& entry);

// One posting being built: the numbers (added in increasing order) and their times.
struct Posting {
  std::vector<int64_t> seqs;
  int64_t min_time = INT64_MAX;
  int64_t max_time = INT64_MIN;
};

// A posting's key, (account, code, value), held or viewed.
using PostingKey = std::tuple<std::string, int64_t, std::string>;
using PostingKeyView = std::tuple<std::string_view, int64_t, std::string_view>;
// Orders keys held and viewed alike.
struct PostingKeyOrder {
  using is_transparent = void;
  static PostingKeyView View(const PostingKey& k) {
    return {std::get<0>(k), std::get<1>(k), std::get<2>(k)};
  }
  static const PostingKeyView& View(const PostingKeyView& k) { return k; }
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    return View(a) < View(b);
  }
};

// The postings of a batch, by key; found by views of the keys too.
using Postings = std::map<PostingKey, Posting, PostingKeyOrder>;

// Adds the event numbered `seq` to the postings of its keys.
void Add(Postings& postings, const model::AuditEntry& entry, int64_t seq);

// Merges lists of numbers into one stream, highest first, below `before`. Postings come in
// order of their last number, newest first, yet one written with a completion also lists an
// older number, below postings written before it: a lookup adds each posting while Wants says
// the next number might be in it, and takes numbers with Next.
class NewestFirst {
 public:
  explicit NewestFirst(int64_t before) : before_(before) {}
  // Whether a posting whose highest number is `last_seq` must be added before Next.
  bool Wants(int64_t last_seq) const;
  // Adds a list of numbers in increasing order (as Unpack gives them).
  void Add(std::vector<int64_t> seqs);
  // The highest number not taken yet; nullopt when none is left.
  std::optional<int64_t> Next();

 private:
  struct Cursor {
    std::vector<int64_t> seqs;
    size_t left;  // seqs[0, left) are not taken yet
  };
  int64_t Top() const;
  int64_t before_;
  std::vector<Cursor> cursors_;  // those with numbers left
};

// Packs increasing numbers as the gaps between them, 7 bits a byte (the first from 0).
std::string Pack(const std::vector<int64_t>& seqs);
// The numbers Pack packed; nullopt for bytes it did not write.
std::optional<std::vector<int64_t>> Unpack(const std::string& packed);

}  // namespace gatehouse::store::audit_postings
