// XmlEscape: markup escaped, and what XML cannot carry replaced, for the query protocol's
// answers and the console's pages alike.
#include "core/markup.h"

#include <gtest/gtest.h>

namespace gatehouse {
namespace {

constexpr char kReplaced[] = "\xEF\xBF\xBD";

TEST(XmlEscapeTest, MarkupCharactersAreEscaped) {
  EXPECT_EQ(XmlEscape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
}

TEST(XmlEscapeTest, WellFormedUtf8AndAllowedControlsPassUnchanged) {
  const std::string text = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBD\t\n\r\x7F";
  EXPECT_EQ(XmlEscape(text), text);
}

TEST(XmlEscapeTest, WhatXmlCannotCarryBecomesAReplacementCharacterPerByte) {
  const std::string r = kReplaced;
  EXPECT_EQ(XmlEscape(std::string("a\x00"
                                  "b",
                                  3)),
            "a" + r + "b");
  EXPECT_EQ(XmlEscape("\x01\x1F"), r + r);
  EXPECT_EQ(XmlEscape("\xFF"), r);                  // never a lead byte
  EXPECT_EQ(XmlEscape("\x80x"), r + "x");           // a stray continuation byte
  EXPECT_EQ(XmlEscape("\xC0\xAF"), r + r);          // overlong '/'
  EXPECT_EQ(XmlEscape("\xE0\x80\xAF"), r + r + r);  // overlong, three bytes
  EXPECT_EQ(XmlEscape("\xED\xA0\x80"), r + r + r);  // a surrogate
  EXPECT_EQ(XmlEscape("\xEF\xBF\xBE\xEF\xBF\xBF"), r + r + r + r + r + r);  // U+FFFE, U+FFFF
  EXPECT_EQ(XmlEscape("\xF4\x90\x80\x80"), r + r + r + r);                  // past U+10FFFF
  EXPECT_EQ(XmlEscape("x\xE2\x82"), "x" + r + r);                           // cut short at the end
  EXPECT_EQ(XmlEscape("\xE2\x82<"), r + r + "&lt;");                        // cut short by markup
}

}  // namespace
}  // namespace gatehouse
