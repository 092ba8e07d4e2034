// Account ids as typed at sign-in and in Switch role: the 12 digits, or as the console shows them
// (1234-5678-9012); anything else is left for the alias lookup.
#include <gtest/gtest.h>

#include "console/sign_in.h"

namespace gatehouse::console {
namespace {

TEST(NormalizeAccountIdTest, TakesTheDigitsWithOrWithoutTheConsolesHyphens) {
  EXPECT_EQ(NormalizeAccountId("377292907864"), "377292907864");
  EXPECT_EQ(NormalizeAccountId("3772-9290-7864"), "377292907864");
}

TEST(NormalizeAccountIdTest, LeavesAnythingElseAsTyped) {
  for (const char* typed : {"acme-dev", "3772-9290-786", "3772-92907-864", "37729-290-7864",
                            "3772-9290-786x", "3772 9290 7864", "", "-3772-9290-786"}) {
    EXPECT_EQ(NormalizeAccountId(typed), typed) << typed;
  }
}

}  // namespace
}  // namespace gatehouse::console
