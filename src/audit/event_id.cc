#include "audit/event_id.h"

#include <atomic>
#include <chrono>

namespace gatehouse::audit {
namespace {

constexpr int kCounterBits = 12;  // RFC 9562's rand_a, used as a counter within a millisecond

// (milliseconds << 12 | counter) of the last id this process made.
std::atomic<uint64_t> last_stamp{0};

// The next stamp: the time's, or one past the last when that is not earlier.
uint64_t NextStamp(int64_t unix_ms) {
  const uint64_t at_time = static_cast<uint64_t>(unix_ms < 0 ? 0 : unix_ms) << kCounterBits;
  uint64_t last = last_stamp.load(std::memory_order_relaxed);
  uint64_t next = 0;
  do {
    next = at_time > last ? at_time : last + 1;
  } while (!last_stamp.compare_exchange_weak(last, next, std::memory_order_relaxed));
  return next;
}

// The id's random bits: splitmix64 on a state seeded once per thread from `random`. Event ids
// are not secrets (the stamp alone keeps them apart), and the CSPRNG cost more per call than
// the rest of the record.
uint64_t RandomBits(Random& random) {
  thread_local uint64_t state = 0;
  if (state == 0) {
    random.Fill(reinterpret_cast<uint8_t*>(&state), sizeof(state));
    state |= 1;
  }
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace

std::string NewEventId(Random& random, int64_t unix_ms) {
  const uint64_t stamp = NextStamp(unix_ms);
  const uint64_t ms = (stamp >> kCounterBits) & 0xFFFFFFFFFFFFULL;
  const uint64_t counter = stamp & ((1U << kCounterBits) - 1);
  // 48 bits of time, version 7, 12 bits of counter; variant 10, 62 random bits.
  const uint64_t high = (ms << 16) | 0x7000 | counter;
  const uint64_t low = (RandomBits(random) & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(36, '-');
  size_t at = 0;
  for (int nibble = 0; nibble < 32; ++nibble) {
    if (at == 8 || at == 13 || at == 18 || at == 23) ++at;
    const uint64_t word = nibble < 16 ? high : low;
    id[at++] = kHex[(word >> (60 - 4 * (nibble % 16))) & 0xF];
  }
  return id;
}

std::string NewEventId(Random& random) {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return NewEventId(random, std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

}  // namespace gatehouse::audit
