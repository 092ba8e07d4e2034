// sts:AssumeRoot: credentials, for at most 15 minutes, of a member account's root user, scoped
// to one of AWS's root-task policies (the session policy; each denies everything but its task).
// The caller is an IAM principal (never a root user) of the management account of an
// organization whose centralized root access has the task's feature on; the target is an active
// member account of that organization. The caller's own policies (sts:AssumeRoot on
// arn:aws:iam::MEMBER:root, condition key sts:TaskPolicyArn) decide alone: the organization
// supplies the trust a role's trust policy would. A target outside the organization and one that
// does not exist are refused alike.
#include "core/arn.h"
#include "core/ids.h"
#include "services/iam/root_access.h"
#include "services/organizations/organization_common.h"
#include "services/request_context.h"
#include "services/sts/session_inputs.h"
#include "services/sts/sts_operations.h"

namespace gatehouse::services::sts {
namespace {

using nlohmann::json;

constexpr int64_t kDefaultRootSessionSeconds = 900;

// The member account TargetPrincipal names: an account id, or its root user's ARN.
Result<std::string> TargetAccount(const std::string& target) {
  if (IsAccountId(target)) return target;
  std::optional<ArnView> arn = ArnView::Parse(target);
  if (arn && arn->partition == "aws" && arn->service == "iam" && arn->region.empty() &&
      arn->resource == "root" && IsAccountId(arn->account)) {
    return std::string(arn->account);
  }
  return Status(ErrorCode::kValidationError,
                "TargetPrincipal must be a member account's id or its root user's ARN "
                "(arn:aws:iam::ACCOUNT:root).");
}

Result<const iam::RootTask*> TaskOf(const json& input) {
  std::string arn;
  if (auto descriptor = input.find("TaskPolicyArn");
      descriptor != input.end() && descriptor->is_object()) {
    arn = descriptor->value("arn", "");
  }
  if (const iam::RootTask* task = iam::FindRootTask(arn)) return task;
  return Status(ErrorCode::kValidationError,
                "TaskPolicyArn must name one of the root-task policies "
                "(arn:aws:iam::aws:policy/root-task/…).");
}

Status NotEligible(const std::string& why) {
  return Status(ErrorCode::kAccessDenied, "AssumeRoot is not possible: " + why);
}

// The caller's organization must be one the caller manages, with the task's feature on, and
// the target an active member of it other than the management account.
Status CheckOrganization(const store::Directory& dir, const OperationContext& c,
                         const std::string& target, const iam::RootTask& task) {
  std::optional<organizations::Membership> m =
      organizations::FindMembership(dir, c.caller.account_id);
  if (!m || !m->IsManagement()) {
    return NotEligible("the caller's account is not the management account of an organization.");
  }
  if (!iam::HasRootAccessFeature(*m->organization, task.feature)) {
    return NotEligible("centralized root access (" + std::string(task.feature) +
                       ") is not enabled for the organization.");
  }
  if (target == m->organization->management_account_id ||
      organizations::FindMember(dir, *m->organization, target) == nullptr ||
      organizations::IsAccountClosed(dir, target)) {
    return NotEligible(
        "the target principal is not an active member account of the caller's organization.");
  }
  return Status::Ok();
}

Result<json> AssumeRoot(StsContext& sts, const OperationContext& c) {
  if (c.caller.principal_arn.ends_with(":root")) {
    return Status(ErrorCode::kAccessDenied,
                  "AssumeRoot cannot be called with root user credentials.");
  }
  Result<std::string> target = TargetAccount(c.input.value("TargetPrincipal", ""));
  if (!target.ok()) return target.status();
  Result<const iam::RootTask*> task = TaskOf(c.input);
  if (!task.ok()) return task.status();
  const int64_t duration = c.input.value("DurationSeconds", kDefaultRootSessionSeconds);
  const std::string root_arn = "arn:aws:iam::" + *target + ":root";

  // The caller's side decides alone: the member account has no policy of its own to consult.
  authz::AuthzRequest az = *c.caller_request;
  az.action = "sts:AssumeRoot";
  az.resource = root_arn;
  az.context = RequestContextKeys(c.input, ResourceInfo{root_arn, {}, "", ""});
  az.context.push_back({"sts:TaskPolicyArn", {std::string((*task)->policy_arn)}});
  if (Status s = c.authorize(az); !s.ok()) return s;
  RETURN_IF_ERROR(CheckOrganization(sts.iam.state.directory(), c, *target, **task));

  auth::SessionClaims claims;
  claims.kind = auth::SessionKind::kRootSession;
  claims.account_id = *target;
  claims.principal_arn = root_arn;
  claims.user_id = *target;
  claims.source_arn = root_arn;
  claims.has_session_policy = true;
  claims.session_policy_arns = {std::string((*task)->policy_arn)};
  if (const auth::SessionClaims* caller_session = c.caller.session.get()) {
    claims.source_identity = caller_session->source_identity;
  }
  Result<json> credentials = IssueCredentials(sts, claims, duration);
  if (!credentials.ok()) return credentials.status();
  json out = {{"Credentials", std::move(credentials).value()}};
  if (!claims.source_identity.empty()) out["SourceIdentity"] = claims.source_identity;
  return out;
}

}  // namespace

void RegisterAssumeRoot(Dispatcher& dispatcher, StsContext& sts) {
  dispatcher.Register("sts", "AssumeRoot",
                      [&sts](const OperationContext& c) { return AssumeRoot(sts, c); });
}

}  // namespace gatehouse::services::sts
