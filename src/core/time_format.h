// The timestamp formats AWS speaks: ISO 8601 extended UTC ("2026-11-29T07:00:00Z", in XML
// answers and aws:CurrentTime) and the basic form SigV4 uses ("20261129T070000Z"). Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse {

// "2026-11-29T07:00:00Z" (whole seconds) from milliseconds since the epoch.
std::string FormatIsoTime(int64_t epoch_ms);

// Milliseconds since the epoch from "2026-11-29T07:00:00Z", with optional fractional seconds
// and a "Z" or "+hh:mm" zone; nullopt otherwise.
std::optional<int64_t> ParseIsoTime(std::string_view text);

// Milliseconds since the epoch of 00:00:00 UTC on the first day of the month `months_ahead`
// months after the one `epoch_ms` falls in (0: that month's own start).
int64_t MonthStartMs(int64_t epoch_ms, int64_t months_ahead);

// "20261129T070000Z" ⇄ seconds since the epoch.
std::string FormatAmzDate(int64_t epoch_seconds);
std::optional<int64_t> ParseAmzDate(std::string_view text);

}  // namespace gatehouse
