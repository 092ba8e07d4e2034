// The console's privileged tasks on a member account's root user (the Organizations pages'
// "Root access management"): the server calls sts:AssumeRoot as the console session's principal,
// so that its policies, the organization's features and the task policy decide exactly as for
// the API, then makes the task's IAM calls with the root session it got. The root session's
// credentials never leave the server and expire a minute later.
#include <spdlog/spdlog.h>

#include <array>

#include "console/console_endpoint.h"
#include "console/console_http.h"

namespace gatehouse::console {
namespace {

using nlohmann::json;

constexpr int kSessionSeconds = 60;

struct RootTaskAction {
  std::string_view name;         // as the page posts it
  std::string_view task_policy;  // AssumeRoot's TaskPolicyArn
  std::string_view operation;    // the IAM call made with the root session
};

constexpr std::array<RootTaskAction, 3> kActions = {{
    {"delete-password", "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials",
     "DeleteLoginProfile"},
    {"allow-password-recovery", "arn:aws:iam::aws:policy/root-task/IAMCreateRootUserPassword",
     "CreateLoginProfile"},
    {"audit", "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials", ""},
}};

const RootTaskAction* FindAction(std::string_view name) {
  for (const RootTaskAction& a : kActions) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

std::string Text(const json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<auth::AccessKeyRecord> ConsoleEndpoint::AssumeRootFor(Call& call, const std::string& account,
                                                             std::string_view task_policy) {
  Result<auth::AccessKeyRecord> caller = CallerOf(*call.session);
  if (!caller.ok()) return caller.status();
  const json input = {{"TargetPrincipal", account},
                      {"TaskPolicyArn", {{"arn", task_policy}}},
                      {"DurationSeconds", kSessionSeconds}};
  Result<json> answer =
      dispatcher_.Call("sts", "AssumeRoot", input.dump(), *caller, call.request, &call.record);
  if (!answer.ok()) return answer.status();
  const json& credentials = answer->at("Credentials");
  return credentials_.FindSession(credentials.at("AccessKeyId").get<std::string>(),
                                  credentials.at("SessionToken").get<std::string>(),
                                  now_ms() / 1000);
}

// The root user's credentials as the audit task reads them.
Result<json> ConsoleEndpoint::AuditRoot(Call& call, const auth::AccessKeyRecord& root) {
  auto iam = [&](std::string_view operation) {
    return dispatcher_.Call("iam", operation, "{}", root, call.request, &call.record);
  };
  Result<json> profile = iam("GetLoginProfile");
  if (!profile.ok() && profile.status().code() != ErrorCode::kNoSuchEntity) {
    return profile.status();
  }
  Result<json> keys = iam("ListAccessKeys");
  if (!keys.ok()) return keys.status();
  Result<json> devices = iam("ListMFADevices");
  if (!devices.ok()) return devices.status();
  return json{{"loginProfile", profile.ok() ? profile->at("LoginProfile") : json(nullptr)},
              {"accessKeys", keys->at("AccessKeyMetadata")},
              {"mfaDevices", devices->at("MFADevices")}};
}

HttpResponse ConsoleEndpoint::RootTask(Call& call) {
  const std::string account = Text(call.body, "account");
  const RootTaskAction* action = FindAction(Text(call.body, "action"));
  if (action == nullptr) {
    return ErrorResponse(400, "InvalidInput",
                         "The action must be audit, delete-password or allow-password-recovery.");
  }
  Result<auth::AccessKeyRecord> root = AssumeRootFor(call, account, action->task_policy);
  if (!root.ok()) return ErrorResponse(root.status());
  Result<json> out =
      action->operation.empty()
          ? AuditRoot(call, *root)
          : dispatcher_.Call("iam", action->operation, "{}", *root, call.request, &call.record);
  if (!out.ok()) return ErrorResponse(out.status());
  spdlog::info("{} console: {} performed the root task {} on account {}", call.record.request_id,
               call.session->principal.arn, action->name, account);
  return JsonResponse(200, *out);
}

}  // namespace gatehouse::console
