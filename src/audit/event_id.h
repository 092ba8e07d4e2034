// The eventID of a record: a UUID of version 7 (RFC 9562), the time in milliseconds, a counter
// and random bits, so that the ids one process makes sort in the order it made them. The store
// indexes events by (account, eventID): an id that sorts after the last one lands on the index's
// last page, where a random one would dirty a random page of it at every append. CloudTrail's
// ids are UUIDs; nothing reads meaning into their bits. Thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "core/random.h"

namespace gatehouse::audit {

// A new event id; `unix_ms` is the wall clock's time (later ids of one process never sort
// before earlier ones, even when the clock steps back).
std::string NewEventId(Random& random, int64_t unix_ms);
// NewEventId at the system clock's time.
std::string NewEventId(Random& random);

}  // namespace gatehouse::audit
