#include "policy/request.h"

#include "core/arn.h"
#include "core/strings.h"
#include "core/time_format.h"

namespace gatehouse::policy {

Request MakeRequest(Principal principal, const PrincipalAttributes& attrs, std::string_view action,
                    std::string_view resource, std::string_view resource_account,
                    ContextKeys context, int64_t now_epoch_ms) {
  Request r;
  r.action = AsciiLower(action);
  r.service = r.action.substr(0, r.action.find(':'));
  r.resource = std::string(resource);
  r.resource_account = std::string(resource_account);
  if (r.resource_account.empty()) {
    // Only an account's resources belong to it: AWS-owned ones (arn:aws:iam::aws:policy/…)
    // belong to no account, so anyone's own policies decide them.
    auto arn = ArnView::Parse(resource);
    if (arn && IsAccountId(arn->account)) r.resource_account = std::string(arn->account);
  }

  const Principal& p = principal;
  if (p.kind == PrincipalKind::kWebIdentity) {
    // No IAM principal yet: the provider that vouched for the caller stands for it.
    context.SetDefault("aws:FederatedProvider", {p.arn});
  } else {
    context.SetDefault("aws:PrincipalArn", {p.PrincipalArn()});
    context.SetDefault("aws:PrincipalAccount", {p.account});
  }
  context.SetDefault("aws:PrincipalType", {std::string(p.TypeName())});
  context.SetDefault("aws:PrincipalIsAWSService", {"false"});
  if (p.kind == PrincipalKind::kUser) context.SetDefault("aws:username", {p.name});
  switch (p.kind) {
    case PrincipalKind::kRoot:
      context.SetDefault("aws:userid", {p.account});
      break;
    case PrincipalKind::kFederatedUser:
      context.SetDefault("aws:userid", {p.account + ":" + p.name});
      break;
    case PrincipalKind::kAssumedRole:
      if (attrs.user_id) context.SetDefault("aws:userid", {*attrs.user_id + ":" + p.session});
      break;
    case PrincipalKind::kUser:
    case PrincipalKind::kRole:
      if (attrs.user_id) context.SetDefault("aws:userid", {*attrs.user_id});
      break;
    case PrincipalKind::kWebIdentity:
      break;
  }
  for (const auto& [key, value] : attrs.tags) {
    context.SetDefault("aws:PrincipalTag/" + key, {value});
  }
  if (attrs.mfa) {
    context.SetDefault("aws:MultiFactorAuthPresent", {*attrs.mfa ? "true" : "false"});
    if (*attrs.mfa && attrs.mfa_age_seconds) {
      context.SetDefault("aws:MultiFactorAuthAge", {std::to_string(*attrs.mfa_age_seconds)});
    }
  }
  if (attrs.source_identity) context.SetDefault("aws:SourceIdentity", {*attrs.source_identity});
  if (!attrs.org_id.empty()) context.SetDefault("aws:PrincipalOrgID", {attrs.org_id});
  if (!attrs.org_path.empty()) context.SetDefault("aws:PrincipalOrgPaths", {attrs.org_path});
  if (!r.resource_account.empty()) context.SetDefault("aws:ResourceAccount", {r.resource_account});
  context.SetDefault("aws:CurrentTime", {FormatIsoTime(now_epoch_ms)});
  context.SetDefault("aws:EpochTime", {std::to_string(now_epoch_ms / 1000)});

  r.principal = std::move(principal);
  r.context = std::move(context);
  return r;
}

}  // namespace gatehouse::policy
