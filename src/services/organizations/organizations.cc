#include "services/organizations/organizations_context.h"

namespace gatehouse::services::organizations {

void RegisterOrganizationsOperations(Dispatcher& d, OrganizationsContext& org) {
  RegisterOrganizationOperations(d, org);
  RegisterOrganizationalUnitOperations(d, org);
  RegisterAccountOperations(d, org);
}

}  // namespace gatehouse::services::organizations
