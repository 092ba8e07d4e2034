// CompiledPolicy: a validated Document turned into the form evaluation runs fast: action
// patterns lowercased, ARNs split into fields, conditions bound to their operators, and an
// index from service prefix ("iam") to the statements that can concern it, so a request looks
// only at its own service's statements and at those whose actions span services.
// Immutable after construction; share it as std::shared_ptr<const CompiledPolicy>.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "policy/arn_pattern.h"
#include "policy/condition.h"
#include "policy/document.h"
#include "policy/pattern.h"
#include "policy/principal.h"
#include "policy/request.h"

namespace gatehouse::policy {

struct CompiledStatement {
  uint32_t index = 0;  // position in the document
  std::string sid;
  Effect effect = Effect::kAllow;
  bool not_action = false;
  std::vector<Pattern> actions;
  bool has_resource = false;
  bool not_resource = false;
  std::vector<ArnPattern> resources;
  std::optional<PrincipalMatcher> principal;
  std::optional<PrincipalMatcher> not_principal;
  std::vector<Condition> conditions;

  // Action, resource and conditions (not the principal) match the request.
  bool Matches(const Request& request) const;
};

class CompiledPolicy {
 public:
  // `label` names the policy in explanations ("identity[0]", a policy ARN …).
  static CompiledPolicy Compile(const Document& doc, PolicyKind kind, std::string label);
  // Parse + validate + compile.
  static Result<CompiledPolicy> FromText(std::string_view text, PolicyKind kind, std::string label);

  PolicyKind kind() const { return kind_; }
  const std::string& label() const { return label_; }
  const std::vector<CompiledStatement>& statements() const { return statements_; }

  // Calls fn(statement) for each statement that may concern `service` (lowercased).
  template <typename Fn>
  void ForEachCandidate(std::string_view service, Fn&& fn) const {
    for (uint32_t i : any_service_) fn(statements_[i]);
    if (const std::vector<uint32_t>* list = ForService(service)) {
      for (uint32_t i : *list) fn(statements_[i]);
    }
  }

 private:
  const std::vector<uint32_t>* ForService(std::string_view service) const;

  PolicyKind kind_ = PolicyKind::kIdentity;
  std::string label_;
  std::vector<CompiledStatement> statements_;
  std::vector<std::pair<std::string, std::vector<uint32_t>>> by_service_;  // sorted by service
  std::vector<uint32_t> any_service_;  // NotAction, or a wildcard in the service prefix
};

}  // namespace gatehouse::policy
