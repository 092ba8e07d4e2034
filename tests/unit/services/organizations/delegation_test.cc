// Which actions an organization's resource policy may name: Organizations actions matching at
// least one operation it can delegate, IAM's wildcards ignoring case, in time bounded by the
// lengths whatever the pattern.
#include "services/organizations/delegation.h"

#include <gtest/gtest.h>

#include <string>

namespace gatehouse::services::organizations {
namespace {

TEST(Delegation, ReadAndPolicyActionsMayBeDelegated) {
  for (const char* action :
       {"organizations:ListAccounts", "organizations:Describe*", "organizations:List*",
        "ORGANIZATIONS:createpolicy", "organizations:*", "organizations:?ttachPolicy",
        "organizations:TagResource", "organizations:DescribeEffectivePolicy"}) {
    EXPECT_TRUE(IsDelegableAction(action)) << action;
  }
}

TEST(Delegation, NothingElseMayBeNamed) {
  for (const char* action :
       {"organizations:CreateAccount", "organizations:RemoveAccountFromOrganization",
        "organizations:Create*Account", "organizations:PutResourcePolicy",
        "organizations:RegisterDelegatedAdministrator", "iam:CreateUser", "*", "organizations",
        "organizations:", "organizations:ListAccountsX", "s3:List*"}) {
    EXPECT_FALSE(IsDelegableAction(action)) << action;
  }
}

// A backtracking matcher would take exponential time here; the walk takes |pattern|·|name|.
TEST(Delegation, APathologicalPatternIsDecided) {
  std::string pattern = "organizations:";
  for (int i = 0; i < 2000; ++i) pattern += "*a";
  EXPECT_FALSE(IsDelegableAction(pattern + "z"));
  EXPECT_FALSE(IsDelegableAction(pattern));  // no delegable operation has 2,000 a's
}

}  // namespace
}  // namespace gatehouse::services::organizations
