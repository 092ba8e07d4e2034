// The log's line discipline: one entry is one line. Control characters in a log message
// (newlines, carriage returns, terminal escape sequences, Unicode line separators) can only
// come from input — a user name, a path, an exception's message — so they are written as
// escapes, and no request can forge a log entry or drive the terminal that shows the log. The
// escapes (\n, \r, \t, \u00XX, \u2028 …) are also JSON's, so a JSON log line stays valid JSON
// with the same meaning.
#pragma once

#include <spdlog/formatter.h>
#include <spdlog/pattern_formatter.h>

#include <memory>
#include <string>
#include <string_view>

namespace gatehouse::app {

// `text` with every control character escaped; the rest as it is.
std::string EscapeControlCharacters(std::string_view text);

// spdlog's pattern formatter with the message escaped first; the line ending stays. Not
// thread-safe by itself (spdlog's sinks serialize their formatter's use, as for any formatter).
class EscapingFormatter final : public spdlog::formatter {
 public:
  EscapingFormatter(std::string pattern, spdlog::pattern_time_type time_type);
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;

 private:
  std::string pattern_;
  spdlog::pattern_time_type time_type_;
  spdlog::pattern_formatter inner_;
};

}  // namespace gatehouse::app
