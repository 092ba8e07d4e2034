// Simulate: evaluates one request described as JSON — the format of `gatehouse policy simulate`,
// documented in docs/policy-simulate.md — and renders the decision with its explanation.
// Pure: the caller passes the current time.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"
#include "policy/evaluate.h"

namespace gatehouse::policy {

struct SimulateResult {
  Decision decision;
  Explanation explanation;
};

// Fails with InvalidInput (the reason naming the offending field) when the request file is not
// of the documented form or one of its policies is malformed.
Result<SimulateResult> Simulate(const nlohmann::json& request, int64_t now_epoch_ms);

// {"decision": "...", "explanation": [ {matched statement}…, {"decidedBy": …, "reason": …} ]}
nlohmann::json SimulateResultToJson(const SimulateResult& result);
// "Decision: Allow\n  identity  identity[0] statement 0 (Sid X) Allow\n  …"
std::string SimulateResultToText(const SimulateResult& result);

}  // namespace gatehouse::policy
