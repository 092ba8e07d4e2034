// libFuzzer target: policy text of any kind through parse, validate, size, compile and
// evaluate against a request whose fields also come from the input; or a whole simulate
// request. Any crash, sanitizer report or hang is a finding.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "policy/compiled_policy.h"
#include "policy/evaluate.h"
#include "policy/parse.h"
#include "policy/simulate.h"
#include "policy/size.h"

using namespace gatehouse;
using namespace gatehouse::policy;

namespace {

constexpr int64_t kNow = 1767225600000;

void FuzzPolicy(FuzzedDataProvider& fdp) {
  PolicyKind kind =
      fdp.PickValueInArray({PolicyKind::kIdentity, PolicyKind::kResource, PolicyKind::kTrust,
                            PolicyKind::kScp, PolicyKind::kBoundary, PolicyKind::kSession});
  const char* principals[] = {
      "arn:aws:iam::111111111111:user/alice", "arn:aws:iam::111111111111:root",
      "arn:aws:sts::111111111111:assumed-role/Admin/s", "arn:aws:iam::111111111111:role/R",
      "arn:aws:sts::222222222222:federated-user/bob"};
  std::string principal_arn = fdp.PickValueInArray(principals);
  std::string action = fdp.ConsumeRandomLengthString(64);
  std::string resource = fdp.ConsumeRandomLengthString(128);
  std::string value = fdp.ConsumeRandomLengthString(64);
  std::string text = fdp.ConsumeRemainingBytesAsString();

  (void)PolicySize(text, SizeRule::kIgnoreWhitespace);
  Result<Document> doc = ParsePolicy(text, kind);
  if (!doc.ok()) return;
  CompiledPolicy policy = CompiledPolicy::Compile(*doc, kind, "fuzz");

  // Give every condition key and variable the fuzzed value, so conditions really run.
  ContextKeys context;
  for (const Statement& st : doc->statements) {
    for (const ConditionClause& c : st.conditions) context.Set(c.key, {value, value + "x"});
  }
  context.Set("aws:username", {value});
  Result<Principal> principal = Principal::FromArn(principal_arn);
  if (!principal.ok()) __builtin_trap();
  PrincipalAttributes attributes;
  attributes.tags["team"] = value;
  Request request = MakeRequest(*principal, attributes, action, resource, "", context, kNow);

  PolicySet set;
  switch (kind) {
    case PolicyKind::kResource:
    case PolicyKind::kTrust:
      set.resource = &policy;
      break;
    case PolicyKind::kScp:
      set.scp.emplace().push_back({&policy});
      break;
    case PolicyKind::kRcp:
      set.rcp.emplace().push_back({&policy});
      break;
    case PolicyKind::kBoundary:
      set.boundary = &policy;
      break;
    case PolicyKind::kSession:
      set.session.push_back(&policy);
      break;
    case PolicyKind::kIdentity:
      set.identity.push_back(&policy);
      break;
  }
  Explanation explanation;
  Decision with = Evaluate(request, set, &explanation);
  Decision without = Evaluate(request, set);
  if (with != without) __builtin_trap();  // explaining must not change the decision
}

void FuzzSimulate(FuzzedDataProvider& fdp) {
  std::string text = fdp.ConsumeRemainingBytesAsString();
  nlohmann::json request = nlohmann::json::parse(text, nullptr, false);
  if (request.is_discarded()) return;
  Result<SimulateResult> result = Simulate(request, kNow);
  if (result.ok()) (void)SimulateResultToJson(*result).dump();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  if (fdp.ConsumeBool()) {
    FuzzSimulate(fdp);
  } else {
    FuzzPolicy(fdp);
  }
  return 0;
}
