// A summary of a store's content for telling whether two stores hold the same thing (a migrated
// copy, a backup): how many entries of each kind, and a SHA-256 over a canonical encoding of
// every entry. The encoding is independent of the engine and of the order a store lists its
// rows in: each entry is its kind and its fields, each field length-prefixed (a sealed secret is
// bytes, not text), and the entries are sorted before they are hashed. A record of
// record_kinds.def is hashed as its body decoded and encoded again (store/record_codec.h), the
// form the store's preconditions compare, so two bodies that differ only in the order or the
// defaults of their JSON fields count as the same. The change sequence is not content: a copy
// starts its own. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "store/store.h"

namespace gatehouse::app {

struct StoreDigest {
  // Every kind the store knows, in a fixed order (the dedicated tables, then
  // record_kinds.def), with how many entries of it there are, zero included.
  std::vector<std::pair<std::string, int64_t>> counts;
  int64_t total = 0;
  std::string sha256;  // hex

  friend bool operator==(const StoreDigest&, const StoreDigest&) = default;
};

// InvalidInput when a record's kind is unknown to this gatehouse (written by a newer one) or
// its body does not decode.
Result<StoreDigest> DigestStoreData(const store::StoreData& data);

// "3 account, 5 user, …, 41 in all; sha256 …": the kinds that have entries.
std::string DescribeDigest(const StoreDigest& digest);

}  // namespace gatehouse::app
