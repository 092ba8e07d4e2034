// Policy engine benchmarks (make bench). Figures are reported, not asserted.
//   BM_Decision_10x10      a principal with 10 attached policies of 10 statements each (mixed
//                          services, wildcards, two conditions per statement)
//   BM_Decision_Statements N statements, ~90% for services other than the request's: the
//                          service index keeps the cost sub-linear
//   BM_Decision_SameService N statements all for the request's service (the index can't help)
//   BM_ParseCompile_6KB    parse + validate + compile a ~6 KB managed policy
#include <benchmark/benchmark.h>

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

std::string Statement(int i, const std::string& service, bool wildcard) {
  std::string action = wildcard ? service + ":Get*" : service + ":Describe" + std::to_string(i);
  return R"({"Sid":"S)" + std::to_string(i) + R"(","Effect":")" + (i % 7 == 6 ? "Deny" : "Allow") +
         R"(","Action":[")" + action + R"(",")" + service + ":List" + std::to_string(i) +
         R"("],"Resource":"arn:aws:)" + service + R"(::111111111111:thing/)" +
         std::to_string(i) + R"(/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"},)" +
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
  return MakeRequest(p, attributes, "iam:GetUser", "arn:aws:iam::111111111111:thing/3/alice", "",
                     context, kNow);
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
      statements.push_back(Statement(i % 10, kServices[i % 9], i % 3 == 0));
    }
    f.policies.push_back(*CompiledPolicy::FromText(Policy(statements), PolicyKind::kIdentity,
                                                   "p" + std::to_string(p)));
  }
  f.Point();
  Request request = MakeBenchRequest();
  for (auto _ : state) benchmark::DoNotOptimize(Evaluate(request, f.set));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Decision_10x10);

// Statements spread over policies of 10 statements; `same_service` puts all in the request's.
void Growth(benchmark::State& state, bool same_service) {
  const int n = static_cast<int>(state.range(0));
  Fixture f;
  f.policies.reserve(n / 10 + 1);
  std::vector<std::string> statements;
  for (int i = 0; i < n; ++i) {
    std::string service = same_service || i % 10 == 3 ? "iam" : kServices[i % 8];
    statements.push_back(Statement(i % 10, service, i % 3 == 0));
    if (statements.size() == 10 || i + 1 == n) {
      f.policies.push_back(
          *CompiledPolicy::FromText(Policy(statements), PolicyKind::kIdentity, "p"));
      statements.clear();
    }
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
    statements.push_back(Statement(i, kServices[i % 9], i % 2 == 0));
  }
  statements.pop_back();
  text = Policy(statements);
  for (auto _ : state) {
    auto policy = CompiledPolicy::FromText(text, PolicyKind::kIdentity, "managed");
    benchmark::DoNotOptimize(policy);
  }
  state.counters["bytes"] = static_cast<double>(text.size());
}
BENCHMARK(BM_ParseCompile_6KB);

}  // namespace

BENCHMARK_MAIN();
