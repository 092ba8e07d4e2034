// The password throttle's counts (auth/password_throttle.h) and other limits' (auth/
// counted_backoff.h), kept in the store so that every instance on one database counts the same
// failures and a restart forgets none. One record type serves the five kinds of count; its key
// says which:
//   "pair/"      + SHA-256 of (principal, client address): failures, backoff from the last one;
//   "address/"   + client address: failures from the address, whatever the principal;
//   "principal/" + principal: failures within the hour, and the ceiling's next slot;
//   "known/"     + principal: the addresses that signed in as the principal lately;
//   "event/"     + a limit's name for what it counts (the console's "reset:ADDRESS",
//                  "signup:ADDRESS"): events, backoff from the last one (CountedBackoff).
// Principals and addresses longer than a bound, or not plain printable ASCII, are replaced by
// their SHA-256, so a key never grows with its input. A count whose `expires_ms` has passed
// means nothing and is swept. Timestamps are milliseconds since the epoch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gatehouse::model {

struct KnownAddress {
  std::string address;
  int64_t last_success_ms = 0;
};

struct ThrottleCount {
  std::string key;
  int64_t failures = 0;
  int64_t first_failure_ms = 0;     // "principal/": the window's start
  int64_t last_failure_ms = 0;      // "pair/", "address/": the backoff's base
  int64_t next_slot_ms = 0;         // "principal/": the ceiling's next free slot
  std::vector<KnownAddress> known;  // "known/": newest first
  int64_t expires_ms = 0;

  std::string Key() const { return key; }
};

}  // namespace gatehouse::model
