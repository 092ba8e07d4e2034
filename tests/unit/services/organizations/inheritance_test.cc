// Management policies merged from the root down by AWS's inheritance operators, with the child
// control operator limiting what the levels below may change.
#include "services/organizations/inheritance.h"

#include <gtest/gtest.h>

namespace gatehouse::services::organizations {
namespace {

using nlohmann::json;

json Tag(const json& value_node) {
  return {{"tags", {{"costcenter", {{"tag_value", value_node}}}}}};
}

json ValueOf(const json& effective) {
  return effective.at("tags").at("costcenter").at("tag_value").at("@@assign");
}

TEST(Inheritance, AssignAppendAndRemoveApplyFromTheRootDown) {
  json effective = EffectivePolicy({
      {Tag({{"@@assign", {"100", "200"}}})},
      {Tag({{"@@append", {"300"}}})},
      {Tag({{"@@remove", {"100"}}})},
  });
  EXPECT_EQ(ValueOf(effective), json({"200", "300"}));
  // A lower @@assign replaces what was inherited.
  effective = EffectivePolicy({{Tag({{"@@assign", {"100"}}})}, {Tag({{"@@assign", {"999"}}})}});
  EXPECT_EQ(ValueOf(effective), json({"999"}));
}

TEST(Inheritance, TheChildControlOperatorLimitsTheLevelsBelowOnly) {
  json root =
      Tag({{"@@assign", {"100"}}, {"@@operators_allowed_for_child_policies", {"@@append"}}});
  json effective = EffectivePolicy({
      {root},
      {Tag({{"@@assign", {"999"}}}), Tag({{"@@append", {"200"}}})},
      {Tag({{"@@remove", {"100"}}})},
  });
  // The OU's @@assign and the account's @@remove are not allowed; the OU's @@append is.
  EXPECT_EQ(ValueOf(effective), json({"100", "200"}));
  // The operator itself never shows in the effective policy.
  EXPECT_EQ(effective.dump().find("@@operators_allowed_for_child_policies"), std::string::npos);
  // @@none stops every change below, whatever the node.
  json locked = {{"tags",
                  {{"@@operators_allowed_for_child_policies", {"@@none"}},
                   {"costcenter", {{"tag_value", {{"@@assign", {"100"}}}}}}}}};
  effective = EffectivePolicy({{locked}, {Tag({{"@@assign", {"999"}}})}});
  EXPECT_EQ(ValueOf(effective), json({"100"}));
}

TEST(Inheritance, PeersOnOneLevelDoNotLimitEachOther) {
  json limiting =
      Tag({{"@@assign", {"100"}}, {"@@operators_allowed_for_child_policies", {"@@none"}}});
  json peer = Tag({{"@@append", {"200"}}});
  EXPECT_EQ(ValueOf(EffectivePolicy({{limiting, peer}})), json({"100", "200"}));
}

TEST(Inheritance, NothingAssignedIsAnEmptyPolicy) {
  EXPECT_EQ(EffectivePolicy({}), json::object());
  EXPECT_EQ(EffectivePolicy({{}, {Tag({{"@@remove", {"100"}}})}}), json::object());
  EXPECT_EQ(EffectivePolicy({{json::array({1, 2})}, {json("text")}}), json::object());
}

TEST(Inheritance, ADeeplyNestedPolicyIsCutOffNotWalkedForever) {
  json deep = {{"@@assign", "leaf"}};
  for (int i = 0; i < 200; ++i) deep = {{"k", deep}};
  json effective = EffectivePolicy({{deep}});
  int depth = 0;
  for (const json* node = &effective; node->contains("k"); node = &node->at("k")) ++depth;
  EXPECT_LE(depth, 40);
}

}  // namespace
}  // namespace gatehouse::services::organizations
