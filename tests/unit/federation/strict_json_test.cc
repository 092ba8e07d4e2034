// ParseStrictJson: JSON values with each member named once and bounded nesting, built without
// recursion whatever the input.
#include "federation/strict_json.h"

#include <gtest/gtest.h>

#include <string>

namespace gatehouse::federation {
namespace {

using nlohmann::json;

TEST(StrictJson, ParsesValues) {
  EXPECT_EQ(ParseStrictJson(R"({"a":[1,-2,3.5,"x",true,null,{}],"b":{"c":"d"}})", 8),
            json::parse(R"({"a":[1,-2,3.5,"x",true,null,{}],"b":{"c":"d"}})"));
  EXPECT_EQ(ParseStrictJson(" 7 ", 0), json(7));
  EXPECT_EQ(ParseStrictJson("18446744073709551615", 0), json(18446744073709551615u));
  EXPECT_EQ(ParseStrictJson(R"("\u00e9\ud83d\ude00")", 0), json("\xc3\xa9\xf0\x9f\x98\x80"));
}

TEST(StrictJson, RefusesMembersNamedTwice) {
  EXPECT_EQ(ParseStrictJson(R"({"a":1,"a":1})", 8), std::nullopt);
  EXPECT_EQ(ParseStrictJson(R"({"a":1,"b":{"a":2,"a":3}})", 8), std::nullopt);
  EXPECT_EQ(ParseStrictJson(R"([{"a":1},{"a":1,"a":1}])", 8), std::nullopt);
  // An escape spelling the same name is the same name.
  EXPECT_EQ(ParseStrictJson(R"({"a":1,"\u0061":2})", 8), std::nullopt);
  EXPECT_TRUE(ParseStrictJson(R"([{"a":1},{"a":1}])", 8).has_value());
}

TEST(StrictJson, BoundsNesting) {
  EXPECT_TRUE(ParseStrictJson("[[[]]]", 3).has_value());
  EXPECT_EQ(ParseStrictJson("[[[[]]]]", 3), std::nullopt);
  EXPECT_EQ(ParseStrictJson(R"({"a":{"b":{"c":{}}}})", 3), std::nullopt);
  EXPECT_EQ(ParseStrictJson("[]", 0), std::nullopt);
  // Far deeper than any stack would survive if the parse recursed.
  EXPECT_EQ(ParseStrictJson(std::string(1000000, '['), 32), std::nullopt);
  EXPECT_EQ(ParseStrictJson(std::string(500000, '[') + std::string(500000, ']'), 32), std::nullopt);
}

TEST(StrictJson, RefusesWhatIsNotOneJsonValue) {
  for (std::string_view bad :
       {"",    " ",        "{",        "}",     "[1,]",     "{\"a\"}", "{\"a\":1,}",
        "1 2", "{} {}",    "'a'",      "NaN",   "Infinity", "1e999",   "-1e999",
        "01",  "\"\xff\"", "\"\xc3\"", "[1] x", "// c\n1",  "\"a\nb\""}) {
    EXPECT_EQ(ParseStrictJson(bad, 8), std::nullopt) << bad;
  }
  // nlohmann alone would stop at a NUL and ignore the rest.
  EXPECT_EQ(ParseStrictJson(std::string_view("1\0", 2), 8), std::nullopt);
  EXPECT_EQ(ParseStrictJson(std::string_view("{}\0{\"a\"", 6), 8), std::nullopt);
}

}  // namespace
}  // namespace gatehouse::federation
