#include "policy/condition_values.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <limits>

#include "core/strings.h"

namespace gatehouse::policy {
namespace {

// Reads 1 to `max_digits` digits (at least `min_digits`).
bool TakeNumber(std::string_view& s, size_t min_digits, size_t max_digits, int64_t& out) {
  size_t n = 0;
  int64_t v = 0;
  while (n < s.size() && n < max_digits && s[n] >= '0' && s[n] <= '9') v = v * 10 + (s[n++] - '0');
  if (n < min_digits) return false;
  out = v;
  s.remove_prefix(n);
  return true;
}

bool Take(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

std::optional<double> ParseNumber(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<Instant> ParseDate(std::string_view text) {
  if (text.find_first_of("tT-") == std::string_view::npos) {  // epoch seconds
    uint64_t seconds = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() ||
        seconds > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return std::nullopt;
    }
    return Instant{static_cast<int64_t>(seconds), 0};
  }
  // [-]Y[-M[-D]] with 1–9 year digits and 1–2 digit month and day.
  size_t t = text.find_first_of("tT");
  std::string_view s = text.substr(0, t);
  const bool negative_year = Take(s, '-');
  int64_t year = 0, month = 1, day = 1;
  if (!TakeNumber(s, 1, 9, year)) return std::nullopt;
  if (Take(s, '-')) {
    if (!TakeNumber(s, 1, 2, month) || month < 1 || month > 12) return std::nullopt;
    if (Take(s, '-') && (!TakeNumber(s, 1, 2, day) || day < 1 || day > 31)) return std::nullopt;
  }
  if (!s.empty()) return std::nullopt;
  if (negative_year) year = -year;

  // T[h[:m[:s[.fraction]]]][Z|±HH[:MM]], every part optional from the right.
  int64_t fields[3] = {0, 0, 0};
  int64_t nanos = 0;
  int64_t offset_seconds = 0;
  if (t != std::string_view::npos) {
    s = text.substr(t + 1);
    const int64_t limits[3] = {23, 59, 59};
    for (int i = 0; i < 3 && !s.empty() && s.front() >= '0' && s.front() <= '9'; ++i) {
      if (!TakeNumber(s, 1, 2, fields[i]) || fields[i] > limits[i]) return std::nullopt;
      if (i < 2 && !Take(s, ':')) break;
    }
    if (Take(s, '.')) {
      size_t before = s.size();
      int64_t fraction = 0;
      if (!TakeNumber(s, 1, 9, fraction)) return std::nullopt;
      for (size_t digits = before - s.size(); digits < 9; ++digits) fraction *= 10;
      nanos = fraction;
    }
    if (Take(s, 'Z') || Take(s, 'z')) {
    } else if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
      const int64_t sign = s.front() == '+' ? 1 : -1;
      s.remove_prefix(1);
      int64_t hours = 0, minutes = 0;
      if (s.size() < 2 || !TakeNumber(s, 2, 2, hours) || hours > 23) return std::nullopt;
      if (Take(s, ':') && (s.size() != 2 || !TakeNumber(s, 2, 2, minutes) || minutes > 59)) {
        return std::nullopt;
      }
      offset_seconds = sign * (hours * 3600 + minutes * 60);
    }
    if (!s.empty()) return std::nullopt;
  }
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t seconds = days * 86400 + fields[0] * 3600 + fields[1] * 60 + fields[2] - offset_seconds;
  return Instant{seconds, static_cast<int32_t>(nanos)};
}

std::optional<IpNetwork> IpNetwork::Parse(std::string_view text) {
  char buf[64];
  size_t slash = text.find('/');
  std::string_view address = text.substr(0, slash);
  if (address.empty() || address.size() >= sizeof(buf)) return std::nullopt;
  std::memcpy(buf, address.data(), address.size());
  buf[address.size()] = '\0';
  IpNetwork net;
  if (inet_pton(AF_INET, buf, net.bytes.data()) == 1) {
    net.prefix = 32;
  } else if (inet_pton(AF_INET6, buf, net.bytes.data()) == 1) {
    net.v6 = true;
    net.prefix = 128;
  } else {
    return std::nullopt;
  }
  if (slash != std::string_view::npos) {
    std::string_view bits = text.substr(slash + 1);
    int prefix = -1;
    auto [ptr, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
    if (ec != std::errc() || ptr != bits.data() + bits.size() || prefix < 0 ||
        prefix > net.prefix) {
      return std::nullopt;
    }
    net.prefix = prefix;
  }
  return net;
}

bool IpNetwork::Contains(const IpNetwork& address) const {
  if (v6 != address.v6) return false;
  int full = prefix / 8;
  for (int i = 0; i < full; ++i) {
    if (bytes[i] != address.bytes[i]) return false;
  }
  int rest = prefix % 8;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (bytes[full] & mask) == (address.bytes[full] & mask);
}

}  // namespace gatehouse::policy
