#include "policy/condition_values.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

#include "core/strings.h"

namespace gatehouse::policy {
namespace {

bool TakeDigits(std::string_view& s, size_t n, int& out) {
  if (s.size() < n) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
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

std::optional<int64_t> ParseDate(std::string_view text) {
  if (IsAsciiDigits(text) && text.size() != 8) {  // epoch seconds; 8 digits is basic-form date
    int64_t seconds = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc() || seconds > 253402300799) return std::nullopt;
    return seconds * 1000;
  }
  std::string_view s = text;
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!TakeDigits(s, 4, year)) return std::nullopt;
  bool extended = Take(s, '-');
  if (!TakeDigits(s, 2, month)) return std::nullopt;
  if (extended && !Take(s, '-')) return std::nullopt;
  if (!TakeDigits(s, 2, day)) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  int64_t millis = 0;
  int64_t offset_minutes = 0;
  if (!s.empty()) {
    if (!Take(s, 'T') && !Take(s, 't')) return std::nullopt;
    if (!TakeDigits(s, 2, hour)) return std::nullopt;
    if (extended && !Take(s, ':')) return std::nullopt;
    if (!TakeDigits(s, 2, minute)) return std::nullopt;
    bool has_seconds = extended ? Take(s, ':') : (!s.empty() && s.front() >= '0' && s.front() <= '9');
    if (has_seconds) {
      if (!TakeDigits(s, 2, second)) return std::nullopt;
      if (Take(s, '.')) {
        int scale = 100;
        bool any = false;
        while (!s.empty() && s.front() >= '0' && s.front() <= '9') {
          millis += (s.front() - '0') * scale;
          scale /= 10;
          any = true;
          s.remove_prefix(1);
        }
        if (!any) return std::nullopt;
      }
    }
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    if (Take(s, 'Z') || Take(s, 'z')) {
    } else if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
      int sign = s.front() == '+' ? 1 : -1;
      s.remove_prefix(1);
      int oh, om = 0;
      if (!TakeDigits(s, 2, oh)) return std::nullopt;
      Take(s, ':');
      if (!s.empty() && !TakeDigits(s, 2, om)) return std::nullopt;
      offset_minutes = sign * (oh * 60 + om);
    }
    if (!s.empty()) return std::nullopt;
  }
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return seconds * 1000 + millis;
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
