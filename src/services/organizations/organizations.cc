#include "services/organizations/organizations_context.h"

namespace gatehouse::services::organizations {

void RegisterOrganizationsOperations(Dispatcher& d, OrganizationsContext& org) {
  RegisterOrganizationOperations(d, org);
  RegisterOrganizationalUnitOperations(d, org);
  RegisterHandshakeOperations(d, org);
  RegisterPolicyOperations(d, org);
  RegisterAccountOperations(d, org);
  RegisterDelegatedAdministratorOperations(d, org);
  RegisterResourcePolicyOperations(d, org);
  RegisterEffectivePolicyOperations(d, org);
  RegisterResponsibilityTransferOperations(d, org);
}

}  // namespace gatehouse::services::organizations
