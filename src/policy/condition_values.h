// Parsing of the typed values condition operators compare: numbers, dates (ISO 8601 or epoch
// seconds) and IP addresses / CIDR blocks (IPv4 and IPv6). Pure functions; no allocation.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace gatehouse::policy {

std::optional<double> ParseNumber(std::string_view text);

// A point in time: seconds since the Unix epoch and the nanoseconds within that second.
struct Instant {
  int64_t seconds = 0;
  int32_t nanos = 0;
  auto operator<=>(const Instant&) const = default;
};

// The one date grammar of Date condition values, as IAM's parser takes them (a value it refuses
// fails validation with "The policy failed legacy parsing"): epoch seconds 0..2^63-1 when the
// value has no '-', 't' or 'T'; otherwise ISO 8601 [-]Y[-M[-D]][T[h[:m[:s[.f]]]][Z|±HH[:MM]]]
// with 1–9 year digits, 1–2 digit fields and up to 9 fraction digits.
std::optional<Instant> ParseDate(std::string_view text);

struct IpNetwork {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4 uses the first 4
  int prefix = 0;                   // bits

  // "203.0.113.0/24", "2001:db8::/32", or a bare address (a full-length prefix).
  static std::optional<IpNetwork> Parse(std::string_view text);
  bool Contains(const IpNetwork& address) const;
};

}  // namespace gatehouse::policy
