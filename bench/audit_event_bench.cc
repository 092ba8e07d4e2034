// What a call's audit event costs the threads that every request waits for.
// BM_GetCallerIdentityEvent: a read's event, built whole after the handler.
// BM_CreateUserEvent: the request thread's share of a CreateUser's event, as the dispatcher does
// it: the event opened before the handler (the record its commit carries), then completed with
// the answer and queued. BM_EncodeCreateUserEvent: the event packed into the commit's row of the
// change feed (SQLite's store), the part of it the thread that commits does.
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>
#include <utility>

#include "protocol/model.h"
#include "services/audit_events.h"
#include "store/audit_entry_codec.h"

using namespace gatehouse;
using nlohmann::json;

namespace {

const protocol::ModelRegistry& Models() {
  static const protocol::ModelRegistry registry = *protocol::ModelRegistry::LoadEmbedded();
  return registry;
}

auth::AccessKeyRecord Admin() {
  auth::AccessKeyRecord r;
  r.access_key_id = "AKIA5TMW2TDKX675EHQB";
  r.principal_arn = "arn:aws:iam::868825565509:user/admin";
  r.account_id = "868825565509";
  r.user_id = "AIDA4NHGYBBY4FRMSCPYA";
  return r;
}

// A call as the dispatcher audits it: the admin's, from the AWS CLI.
struct BenchCall {
  BenchCall(const char* service, const char* op, json in, json out)
      : model(*Models().Find(service)),
        operation(op),
        input(std::move(in)),
        answer(std::move(out)) {
    request.remote_address = "127.0.0.1";
    request.headers = {{"User-Agent", "aws-cli/1.36.0 Python/3.11.2 botocore/1.35.0"}};
  }
  services::AuditedCall Audited() const {
    return {model,
            *model.FindOperation(operation),
            input,
            caller,
            request,
            "2c9086dd-e367-436b-8a0c-d2ecf37c507e",
            "01a24e16-498e-7000-bdd3-1b503eaf2ee8",
            1796606413000};
  }

  const protocol::ServiceModel& model;
  const char* operation;
  json input;
  Result<json> answer;
  auth::AccessKeyRecord caller = Admin();
  HttpRequest request;
};

BenchCall CreateUserCall() {
  return {"iam",
          "CreateUser",
          {{"UserName", "load-31614-11-399"}},
          {{"User",
            {{"Path", "/"},
             {"UserName", "load-31614-11-399"},
             {"UserId", "AIDA7XFBVMDFWUUK3DUHB"},
             {"Arn", "arn:aws:iam::868825565509:user/load-31614-11-399"},
             {"CreateDate", "2026-12-07T01:20:13Z"}}}}};
}

void BM_GetCallerIdentityEvent(benchmark::State& state) {
  const auth::AccessKeyRecord admin = Admin();
  const BenchCall c(
      "sts", "GetCallerIdentity", json::object(),
      {{"UserId", admin.user_id}, {"Account", admin.account_id}, {"Arn", admin.principal_arn}});
  const services::AuditedCall call = c.Audited();
  for (auto _ : state) {
    model::AuditEntry e = services::AuditEventOf(call, c.caller.account_id, &c.answer, "");
    benchmark::DoNotOptimize(e);
  }
}
BENCHMARK(BM_GetCallerIdentityEvent);

void BM_CreateUserEvent(benchmark::State& state) {
  const BenchCall c = CreateUserCall();
  const services::AuditedCall call = c.Audited();
  for (auto _ : state) {
    audit::AuditCall opened = services::OpenedEvent(call, c.caller.account_id, "");
    model::AuditEntry carried = services::EntryOf(call, opened);
    services::CompleteEvent(opened, call, c.answer);
    model::AuditEntry completed = services::EntryOf(call, opened);
    benchmark::DoNotOptimize(carried);
    benchmark::DoNotOptimize(completed);
  }
}
BENCHMARK(BM_CreateUserEvent);

void BM_EncodeCreateUserEvent(benchmark::State& state) {
  const BenchCall c = CreateUserCall();
  const services::AuditedCall call = c.Audited();
  const std::vector<model::AuditEntry> carried{
      services::EntryOf(call, services::OpenedEvent(call, c.caller.account_id, ""))};
  for (auto _ : state) benchmark::DoNotOptimize(store::PackAuditEntries(carried));
  state.counters["bytes"] = static_cast<double>(store::PackAuditEntries(carried).size());
}
BENCHMARK(BM_EncodeCreateUserEvent);

}  // namespace

BENCHMARK_MAIN();
