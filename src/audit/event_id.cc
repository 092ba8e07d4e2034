#include "audit/event_id.h"

#include <atomic>
#include <chrono>

#include "core/crypto.h"

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

}  // namespace

std::string NewEventId(Random& random, int64_t unix_ms) {
  const uint64_t stamp = NextStamp(unix_ms);
  const uint64_t ms = (stamp >> kCounterBits) & 0xFFFFFFFFFFFFULL;
  const uint64_t counter = stamp & ((1U << kCounterBits) - 1);
  uint8_t b[16];
  random.Fill(b + 8, 8);
  for (int i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>(ms >> (8 * (5 - i)));
  b[6] = static_cast<uint8_t>(0x70 | (counter >> 8));
  b[7] = static_cast<uint8_t>(counter & 0xFF);
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);
  const std::string hex = HexEncode(std::string_view(reinterpret_cast<const char*>(b), 16));
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

std::string NewEventId(Random& random) {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return NewEventId(random, std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

}  // namespace gatehouse::audit
