#include "core/time_format.h"

#include <ctime>

namespace gatehouse {
namespace {

std::string Format(int64_t epoch_seconds, const char* format) {
  std::time_t t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), format, &tm);
  return buf;
}

// The calendar date and time of `epoch_seconds` (UTC), counted without the C library: gmtime
// takes glibc's timezone lock, and every audit record formats its time (days to a civil date
// as in Howard Hinnant's "chrono-Compatible Low-Level Date Algorithms").
struct Civil {
  int64_t year;
  unsigned month, day, hour, minute, second;
};

Civil CivilOf(int64_t epoch_seconds) {
  const int64_t days = epoch_seconds / 86400 - (epoch_seconds % 86400 < 0 ? 1 : 0);
  const int64_t in_day = epoch_seconds - days * 86400;
  const int64_t shifted = days + 719468;  // from 0000-03-01
  const int64_t era = (shifted >= 0 ? shifted : shifted - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(shifted - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned month_from_march = (5 * day_of_year + 2) / 153;
  Civil c;
  c.day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
  c.month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
  c.year = static_cast<int64_t>(year_of_era) + era * 400 + (c.month <= 2 ? 1 : 0);
  c.hour = static_cast<unsigned>(in_day / 3600);
  c.minute = static_cast<unsigned>(in_day % 3600 / 60);
  c.second = static_cast<unsigned>(in_day % 60);
  return c;
}

// Days since the epoch of a calendar date (the inverse of CivilOf's date, same source).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<int64_t>(day_of_era) - 719468;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - (a % b < 0 ? 1 : 0); }

}  // namespace

int64_t MonthStartMs(int64_t epoch_ms, int64_t months_ahead) {
  const Civil c = CivilOf(FloorDiv(epoch_ms, 1000));
  const int64_t month_index = c.year * 12 + (c.month - 1) + months_ahead;
  const int64_t year = FloorDiv(month_index, 12);
  const auto month = static_cast<unsigned>(month_index - year * 12 + 1);
  return DaysFromCivil(year, month, 1) * 86400000;
}

std::string FormatIsoTime(int64_t epoch_ms) {
  int64_t seconds = epoch_ms / 1000 - (epoch_ms % 1000 < 0 ? 1 : 0);
  const Civil c = CivilOf(seconds);
  // Four-digit years; the others as strftime writes them (unpadded, or longer).
  if (c.year < 1000 || c.year > 9999) return Format(seconds, "%Y-%m-%dT%H:%M:%SZ");
  // Digit by digit: snprintf cost more than the rest of an audit record's fixed fields.
  std::string out = "0000-00-00T00:00:00Z";
  auto put = [&out](size_t at, unsigned value, int digits) {
    for (int i = digits - 1; i >= 0; --i, value /= 10)
      out[at + i] = static_cast<char>('0' + value % 10);
  };
  put(0, static_cast<unsigned>(c.year), 4);
  put(5, c.month, 2);
  put(8, c.day, 2);
  put(11, c.hour, 2);
  put(14, c.minute, 2);
  put(17, c.second, 2);
  return out;
}

std::optional<int64_t> ParseIsoTime(std::string_view t) {
  auto digits = [&](size_t at, size_t n, int& out) {
    if (at + n > t.size()) return false;
    out = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      out = out * 10 + (t[i] - '0');
    }
    return true;
  };
  std::tm tm{};
  int y, mo, d, h, mi, s;
  if (!digits(0, 4, y) || t.size() < 19 || t[4] != '-' || !digits(5, 2, mo) || t[7] != '-' ||
      !digits(8, 2, d) || (t[10] != 'T' && t[10] != 't') || !digits(11, 2, h) || t[13] != ':' ||
      !digits(14, 2, mi) || t[16] != ':' || !digits(17, 2, s)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  size_t pos = 19;
  int64_t millis = 0;
  if (pos < t.size() && t[pos] == '.') {
    int64_t scale = 100;
    ++pos;
    size_t start = pos;
    while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') {
      millis += (t[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  int64_t offset = 0;
  if (pos < t.size() && (t[pos] == 'Z' || t[pos] == 'z')) {
    ++pos;
  } else if (pos < t.size() && (t[pos] == '+' || t[pos] == '-')) {
    int oh, om;
    if (!digits(pos + 1, 2, oh) || pos + 3 >= t.size() || t[pos + 3] != ':' ||
        !digits(pos + 4, 2, om)) {
      return std::nullopt;
    }
    offset = (t[pos] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    pos += 6;
  }
  if (pos != t.size()) return std::nullopt;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return (static_cast<int64_t>(timegm(&tm)) - offset) * 1000 + millis;
}

std::string FormatAmzDate(int64_t epoch_seconds) { return Format(epoch_seconds, "%Y%m%dT%H%M%SZ"); }

std::optional<int64_t> ParseAmzDate(std::string_view t) {
  if (t.size() != 16 || t[8] != 'T' || t[15] != 'Z') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14}) {
    if (t[i] < '0' || t[i] > '9') return std::nullopt;
  }
  auto num = [&](size_t at, size_t n) {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) v = v * 10 + (t[i] - '0');
    return v;
  };
  std::tm tm{};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(4, 2) - 1;
  tm.tm_mday = num(6, 2);
  tm.tm_hour = num(9, 2);
  tm.tm_min = num(11, 2);
  tm.tm_sec = num(13, 2);
  if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
      tm.tm_min > 59 || tm.tm_sec > 60) {
    return std::nullopt;
  }
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace gatehouse
