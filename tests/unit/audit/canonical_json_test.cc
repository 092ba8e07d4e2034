// Strings written straight into a record come out as the canonical form writes them: every byte
// value, at every place in strings shorter and longer than the eight bytes checked at once.
#include "audit/canonical_json.h"

#include <gtest/gtest.h>

#include <string>

namespace gatehouse::audit {
namespace {

std::string Appended(const std::string& text) {
  std::string out = "prefix";
  AppendJsonString(out, text);
  return out.substr(6);
}

std::string Canonical(const std::string& text) { return CanonicalJson(nlohmann::json(text)); }

TEST(AppendJsonString, EveryByteAtEveryPlaceIsWrittenAsTheCanonicalFormWritesIt) {
  for (size_t length : {1u, 7u, 8u, 9u, 16u, 19u}) {
    for (size_t at = 0; at < length; ++at) {
      for (int byte = 0; byte < 256; ++byte) {
        std::string text(length, 'a');
        text[at] = static_cast<char>(byte);
        ASSERT_EQ(Appended(text), Canonical(text))
            << "byte " << byte << " at " << at << " of " << length;
      }
    }
  }
}

TEST(AppendJsonString, PlainTextIsCopiedAndOtherTextEscaped) {
  EXPECT_EQ(Appended(""), "\"\"");
  EXPECT_EQ(Appended("arn:aws:iam::123456789012:user/alice"),
            "\"arn:aws:iam::123456789012:user/alice\"");
  EXPECT_EQ(Appended("a \"quoted\" \\ name\n"), "\"a \\\"quoted\\\" \\\\ name\\n\"");
  EXPECT_EQ(Appended("caf\xc3\xa9 and more text"), "\"caf\xc3\xa9 and more text\"");
  EXPECT_EQ(Appended("bad \xff byte, long enough"), "\"bad \xef\xbf\xbd byte, long enough\"");
  EXPECT_EQ(Appended(std::string("nul\0inside it", 13)), "\"nul\\u0000inside it\"");
}

}  // namespace
}  // namespace gatehouse::audit
