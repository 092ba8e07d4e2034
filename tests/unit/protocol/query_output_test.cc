// The query protocol's XML: what a caller's bytes become in a document.
#include "protocol/query_output.h"

#include <gtest/gtest.h>

namespace gatehouse::protocol {
namespace {

constexpr char kReplaced[] = "\xEF\xBF\xBD";

TEST(XmlEscapeTest, AnErrorMessageEchoingBadBytesStaysWellFormed) {
  Result<ModelRegistry> registry = ModelRegistry::LoadEmbedded();
  ASSERT_TRUE(registry.ok());
  const std::string xml =
      WriteQueryError(*registry->Find("iam"),
                      Status(ErrorCode::kValidationError, "Value 'a\xFF\x01' is bad"), "req-1");
  EXPECT_NE(xml.find(std::string("Value &apos;a") + kReplaced + kReplaced + "&apos;"),
            std::string::npos)
      << xml;
  EXPECT_EQ(xml.find('\xFF'), std::string::npos);
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
}

}  // namespace
}  // namespace gatehouse::protocol
