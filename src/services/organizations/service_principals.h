// The AWS services that can be given trusted access to an organization
// (Enable/DisableAWSServiceAccess), by service principal: the list of the Organizations User
// Guide's "AWS services that you can use with AWS Organizations" page. A principal outside it is
// refused with UNRECOGNIZED_SERVICE_PRINCIPAL, as AWS refuses it. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "services/dispatcher.h"

namespace gatehouse::services::organizations {

bool IsTrustedAccessPrincipal(std::string_view service_principal);

// Input ServicePrincipal, which must name a service that integrates with Organizations.
Result<std::string> ReadServicePrincipal(const OperationContext& c);

}  // namespace gatehouse::services::organizations
