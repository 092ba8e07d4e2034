// Parsing of the typed values condition operators compare: numbers, dates (ISO 8601 or epoch
// seconds) and IP addresses / CIDR blocks (IPv4 and IPv6). Pure functions; no allocation.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace gatehouse::policy {

std::optional<double> ParseNumber(std::string_view text);

// Milliseconds since the Unix epoch. Accepts "2020-01-31", "2020-01-31T12:00:00Z",
// fractional seconds, "+hh:mm"/"-hh:mm" offsets, the basic form "20200131T120000Z", and
// epoch seconds ("1580472000").
std::optional<int64_t> ParseDate(std::string_view text);

struct IpNetwork {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4 uses the first 4
  int prefix = 0;                   // bits

  // "203.0.113.0/24", "2001:db8::/32", or a bare address (a full-length prefix).
  static std::optional<IpNetwork> Parse(std::string_view text);
  bool Contains(const IpNetwork& address) const;
};

}  // namespace gatehouse::policy
