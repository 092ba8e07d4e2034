// Policy engine benchmarks (make bench). Figures are reported, not asserted.
//   BM_Decision_10x10      a principal with 10 attached policies of 10 statements each (mixed
//                          services, wildcards, two conditions per statement)
//   BM_Decision_Statements N statements in 10 policies, 10 of them for the request's service:
//                          the service index keeps the cost sub-linear
//   BM_Decision_SameService N statements all for the request's service (the index can't help)
//   BM_ParseCompile_6KB    parse + validate + compile a ~6 KB managed policy
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "policy/compiled_policy.h"
#include "policy/evaluate.h"
#include "policy/parse.h"

using namespace gatehouse;
using namespace gatehouse::policy;

namespace {

constexpr int64_t kNow = 1767225600000;
const char* kServices[] = {"s3", "ec2", "dynamodb", "lambda", "sqs", "sns", "kms", "logs", "iam"};

// Statement `id` (its Sid) of the form used throughout; `i` varies resource, action and CIDR.
std::string Statement(int id, int i, const std::string& service, bool wildcard) {
  std::string action = wildcard ? service + ":Get*" : service + ":Describe" + std::to_string(i);
  return R"({"Sid":"S)" + std::to_string(id) + R"(","Effect":")" + (i % 7 == 6 ? "Deny" : "Allow") +
         R"(","Action":[")" + action + R"(",")" + service + ":List" + std::to_string(i) +
         R"("],"Resource":"arn:aws:)" + service + R"(::111111111111:user/)" + std::to_string(i) +
         R"(/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"},)" +
         R"("IpAddress":{"aws:SourceIp":"10.)" + std::to_string(i % 200) + R"(.0.0/16"}}})";
}

std::string Policy(const std::vector<std::string>& statements) {
  std::string out = R"({"Version":"2012-10-17","Statement":[)";
  for (size_t i = 0; i < statements.size(); ++i) {
    if (i) out += ",";
    out += statements[i];
  }
  return out + "]}";
}

Request MakeBenchRequest() {
  Principal p = *Principal::FromArn("arn:aws:iam::111111111111:user/alice");
  PrincipalAttributes attributes;
  attributes.tags["team"] = "blue";
  ContextKeys context;
  context.Set("aws:SourceIp", {"10.3.4.5"});
  return MakeRequest(p, attributes, "iam:GetUser", "arn:aws:iam::111111111111:user/3/alice", "",
                     context, kNow);
}

CompiledPolicy MustCompile(const std::string& text, std::string label) {
  Result<CompiledPolicy> policy = CompiledPolicy::FromText(text, PolicyKind::kIdentity, label);
  if (!policy.ok()) {
    std::fprintf(stderr, "benchmark policy rejected: %s\n", policy.status().ToString().c_str());
    std::abort();
  }
  return std::move(policy).value();
}

struct Fixture {
  std::vector<CompiledPolicy> policies;
  PolicySet set;
  void Point() {
    for (const CompiledPolicy& p : policies) set.identity.push_back(&p);
  }
};

void BM_Decision_10x10(benchmark::State& state) {
  Fixture f;
  f.policies.reserve(10);
  for (int p = 0; p < 10; ++p) {
    std::vector<std::string> statements;
    for (int s = 0; s < 10; ++s) {
      int i = p * 10 + s;
      statements.push_back(Statement(s, i % 10, kServices[i % 9], i % 3 == 0));
    }
    f.policies.push_back(MustCompile(Policy(statements), "p" + std::to_string(p)));
  }
  f.Point();
  Request request = MakeBenchRequest();
  for (auto _ : state) benchmark::DoNotOptimize(Evaluate(request, f.set));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Decision_10x10);

// N statements spread over 10 policies. With `same_service` false, only one statement per policy
// (10 in all) is for the request's service and the rest for eight others, so the service index
// should keep the cost nearly flat as N grows; with it true every statement is a candidate.
void Growth(benchmark::State& state, bool same_service) {
  const int n = static_cast<int>(state.range(0));
  const int per_policy = n / 10;
  Fixture f;
  f.policies.reserve(10);
  for (int p = 0; p < 10; ++p) {
    std::vector<std::string> statements;
    for (int s = 0; s < per_policy; ++s) {
      std::string service = same_service || s == 0 ? "iam" : kServices[s % 8];
      statements.push_back(Statement(s, s % 10, service, s % 3 == 0));
    }
    f.policies.push_back(MustCompile(Policy(statements), "p"));
  }
  f.Point();
  Request request = MakeBenchRequest();
  for (auto _ : state) benchmark::DoNotOptimize(Evaluate(request, f.set));
  state.SetItemsProcessed(state.iterations());
}
void BM_Decision_Statements(benchmark::State& state) { Growth(state, false); }
void BM_Decision_SameService(benchmark::State& state) { Growth(state, true); }
BENCHMARK(BM_Decision_Statements)->Arg(10)->Arg(100)->Arg(1000);
BENCHMARK(BM_Decision_SameService)->Arg(10)->Arg(100)->Arg(1000);

void BM_ParseCompile_6KB(benchmark::State& state) {
  std::vector<std::string> statements;
  std::string text;
  for (int i = 0; Policy(statements).size() < 6000; ++i) {
    statements.push_back(Statement(i, i, kServices[i % 9], i % 2 == 0));
  }
  statements.pop_back();
  text = Policy(statements);
  for (auto _ : state) {
    auto policy = CompiledPolicy::FromText(text, PolicyKind::kIdentity, "managed");
    if (!policy.ok()) std::abort();
    benchmark::DoNotOptimize(policy);
  }
  state.counters["bytes"] = static_cast<double>(text.size());
}
BENCHMARK(BM_ParseCompile_6KB);

}  // namespace

BENCHMARK_MAIN();
