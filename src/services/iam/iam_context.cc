#include "services/iam/iam_context.h"

#include "services/iam/oidc_providers.h"
#include "services/iam/saml_providers.h"

namespace gatehouse::services::iam {

Result<std::string> TargetUserName(const OperationContext& c) {
  if (auto it = c.input.find("UserName"); it != c.input.end() && it->is_string()) {
    return it->get<std::string>();
  }
  const std::string& arn = c.caller.principal_arn;
  if (arn.find(":user/") != std::string::npos) return arn.substr(arn.rfind('/') + 1);
  if (arn.ends_with(":root")) return std::string();
  return Status(ErrorCode::kValidationError,
                "Must specify userName when calling with non-User credentials");
}

Status NoSuchUser(std::string_view name) {
  return Status(ErrorCode::kNoSuchEntity,
                "The user with name " + std::string(name) + " cannot be found.");
}

Status DeleteConflict(const std::string& what) {
  return Status(ErrorCode::kDeleteConflict, "Cannot delete entity, must " + what + " first.");
}

void RegisterIamOperations(Dispatcher& dispatcher, IamContext& iam) {
  RegisterUserOperations(dispatcher, iam);
  RegisterAccessKeyOperations(dispatcher, iam);
  RegisterSshPublicKeyOperations(dispatcher, iam);
  RegisterServiceCredentialOperations(dispatcher, iam);
  RegisterSigningCertificateOperations(dispatcher, iam);
  RegisterServerCertificateOperations(dispatcher, iam);
  RegisterStsPreferenceOperations(dispatcher, iam);
  RegisterAccessAdvisorOperations(dispatcher, iam);
  RegisterOrganizationsAccessReportOperations(dispatcher, iam);
  RegisterOutboundFederationOperations(dispatcher, iam);
  RegisterDelegationRequestOperations(dispatcher, iam);
  RegisterUserPolicyOperations(dispatcher, iam);
  RegisterGroupOperations(dispatcher, iam);
  RegisterGroupPolicyOperations(dispatcher, iam);
  RegisterRoleOperations(dispatcher, iam);
  RegisterRolePolicyOperations(dispatcher, iam);
  RegisterInstanceProfileOperations(dispatcher, iam);
  RegisterServiceLinkedRoleOperations(dispatcher, iam);
  RegisterRootAccessOperations(dispatcher, iam);
  RegisterOidcProviderOperations(dispatcher, iam);
  RegisterSamlProviderOperations(dispatcher, iam);
  RegisterManagedPolicyOperations(dispatcher, iam);
  RegisterLoginProfileOperations(dispatcher, iam);
  RegisterPasswordPolicyOperations(dispatcher, iam);
  RegisterMfaOperations(dispatcher, iam);
  RegisterAccountOperations(dispatcher, iam);
  RegisterSimulationOperations(dispatcher, iam);
}

}  // namespace gatehouse::services::iam
