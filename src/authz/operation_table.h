// Lookup into operations.def: the IAM action and resource form of each implemented operation;
// and into further_authorizations.def: what some inputs add to it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::authz {

// See operations.def for what each form means.
enum class ResourceForm {
  kNone,
  kAny,
  kUser,
  kUserPath,
  kKeyOwner,
  kGroup,
  kGroupPath,
  kRole,
  kRolePath,
  kPolicy,
  kNewPolicy,
  kPolicyPath,
  kInstanceProfile,
  kInstanceProfilePath,
  kMfa,
  kOidcProvider,
  kSamlProvider,
  kServerCertificate,
  kServiceLinkedRole,
  kPolicySource,
  kEntityArn,
  kHandler,
  kUnsigned,
  kOrgAccount,
  kOrgOu,
  kOrgParent,
  kOrgChild,
  kOrgTarget,
  kOrgRoot,
  kOrgPolicy,
  kOrgHandshake,
  kOrgResource,
  kRenamedUser,
  kRenamedGroup,
  kRenamedServerCertificate,
  kOrgSourceParent,
  kOrgDestinationParent,
  kOrgTransfer
};

struct OperationSpec {
  std::string_view service;    // "iam"
  std::string_view operation;  // "CreateUser"
  std::string_view action;     // "iam:CreateUser"
  ResourceForm resource;
};

// nullptr when the operation is not in the table (and so may not be served).
const OperationSpec* FindOperationSpec(std::string_view service, std::string_view operation);

// The actions of the operations `service` serves ("iam:CreateUser", …), each once, sorted.
std::vector<std::string> ServedActions(std::string_view service);

// An authorization an operation needs beyond its own when its input gives `member`
// (further_authorizations.def).
struct FurtherAuthorization {
  std::string_view service;
  std::string_view operation;
  std::string_view member;  // "Tags", "NewUserName", …
  std::string_view action;
  ResourceForm resource;
};

// The further authorizations of `service`'s `operation`, in table order (none for most).
std::vector<const FurtherAuthorization*> FindFurtherAuthorizations(std::string_view service,
                                                                   std::string_view operation);

}  // namespace gatehouse::authz
