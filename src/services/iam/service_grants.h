// Which services, and which actions, a set of permissions policies grants: access advisor's
// "services the entity can access" (GetServiceLastAccessedDetails) and the policies behind each
// (ListPoliciesGrantingServiceAccess). As AWS documents it, only the permissions policies count
// (no boundary, SCP, resource policy or session policy), and a service is granted when an Allow
// statement's Action (or NotAction) takes in some action of it, whatever the statement's
// resources and conditions; a Deny takes a service away only when it denies every action of it
// on every resource, unconditionally. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policy/document.h"

namespace gatehouse::services::iam {

// Whether `doc` grants some action of service `ns` (before any Deny).
bool AllowsService(const policy::Document& doc, std::string_view ns);

// Whether `doc` denies every action of `ns` on every resource, unconditionally.
bool DeniesWholeService(const policy::Document& doc, std::string_view ns);

// Whether `doc` grants action `action` ("iam:CreateUser").
bool AllowsAction(const policy::Document& doc, std::string_view action);

// The namespaces of `candidates` (sorted) that `docs` grant and do not deny whole, in order.
std::vector<std::string> GrantedServices(const std::vector<policy::Document>& docs,
                                         const std::vector<std::string>& candidates);

}  // namespace gatehouse::services::iam
