#include "app/log_escape.h"

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace gatehouse::app {
namespace {

TEST(LogEscapeTest, ControlCharactersBecomeEscapes) {
  EXPECT_EQ(EscapeControlCharacters("plain text, é and 日本"), "plain text, é and 日本");
  EXPECT_EQ(EscapeControlCharacters("a\nb\rc\td"), "a\\nb\\rc\\td");
  EXPECT_EQ(EscapeControlCharacters(std::string("nul\0esc\x1b[31mdel\x7f", 16)),
            "nul\\u0000esc\\u001b[31mdel\\u007f");
  // NEL and the Unicode line and paragraph separators end lines in some viewers.
  EXPECT_EQ(EscapeControlCharacters("a\xC2\x85z\xE2\x80\xA8y\xE2\x80\xA9x"),
            "a\\u0085z\\u2028y\\u2029x");
  EXPECT_EQ(EscapeControlCharacters("\xC2"), "\xC2");  // a cut sequence stays as it came
}

std::string Logged(const std::string& pattern, const std::string& message) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  spdlog::logger logger("test", sink);
  logger.set_formatter(
      std::make_unique<EscapingFormatter>(pattern, spdlog::pattern_time_type::utc));
  logger.info("{} signed in from {}", message, "127.0.0.1");
  logger.flush();
  return out.str();
}

// A user name with a newline cannot forge a second log entry.
TEST(LogEscapeTest, AForgedEntryStaysOnItsLine) {
  std::string line = Logged("%l %v", "alice\n2026-11-29T07:00:00.000Z info admin");
  EXPECT_EQ(line, "info alice\\n2026-11-29T07:00:00.000Z info admin signed in from 127.0.0.1\n");
}

TEST(LogEscapeTest, JsonLinesStayValidJson) {
  nlohmann::json entry = {{"principal",
                           "a\xE2\x80\xA8"
                           "b"},
                          {"operation", "x\ny"}};
  std::string line = Logged("%v", entry.dump());
  ASSERT_EQ(line.back(), '\n');
  line.pop_back();
  EXPECT_EQ(line.find('\n'), std::string::npos);
  std::string json_part = line.substr(0, line.find(" signed in from"));
  EXPECT_EQ(nlohmann::json::parse(json_part), entry);
}

}  // namespace
}  // namespace gatehouse::app
