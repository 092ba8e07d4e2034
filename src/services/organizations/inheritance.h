// The inheritance of management policies (tag, backup, AI services opt-out, chat applications
// and the other non-authorization types): the effective policy of an account is its
// organization's policies of one type merged from the root down through its OUs to the account
// itself, each level's value operators changing what the levels above left:
//   @@assign   replaces the inherited value;
//   @@append   adds its values to an inherited list (or assigns, when nothing was inherited);
//   @@remove   takes its values out of an inherited list;
// and the child control operator "@@operators_allowed_for_child_policies" (["@@all"], ["@@none"]
// or a list of the three) limits what the levels below may do to that node and everything under
// it: a change they may not make is left out, as AWS leaves it out. Policies attached to one level
// are peers: the limits one sets bind the levels below only. The effective policy keeps each
// value as {"@@assign": …} and drops the child control operators, as AWS shows it. Pure;
// thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

namespace gatehouse::services::organizations {

// The effective policy of `levels` (the root's policies first, the account's last; each a
// policy document). An empty object when nothing was assigned.
nlohmann::json EffectivePolicy(const std::vector<std::vector<nlohmann::json>>& levels);

}  // namespace gatehouse::services::organizations
