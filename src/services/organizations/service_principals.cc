#include "services/organizations/service_principals.h"

#include <algorithm>
#include <array>

#include "services/organizations/input_errors.h"

namespace gatehouse::services::organizations {
namespace {

// Sorted, for binary search.
constexpr std::array<std::string_view, 47> kPrincipals = {
    "access-analyzer.amazonaws.com",
    "account.amazonaws.com",
    "auditmanager.amazonaws.com",
    "aws-artifact-account-sync.amazonaws.com",
    "backup.amazonaws.com",
    "bcm-data-exports.amazonaws.com",
    "chatbot.amazonaws.com",
    "cloudtrail.amazonaws.com",
    "compute-optimizer.amazonaws.com",
    "config-multiaccountsetup.amazonaws.com",
    "config.amazonaws.com",
    "controltower.amazonaws.com",
    "cost-optimization-hub.bcm.amazonaws.com",
    "declarative-policies.ec2.amazonaws.com",
    "detective.amazonaws.com",
    "devops-guru.amazonaws.com",
    "ds.amazonaws.com",
    "fms.amazonaws.com",
    "guardduty.amazonaws.com",
    "health.amazonaws.com",
    "iam.amazonaws.com",
    "inspector2.amazonaws.com",
    "ipam.amazonaws.com",
    "license-management.marketplace.amazonaws.com",
    "license-manager.amazonaws.com",
    "license-manager.member-account.amazonaws.com",
    "macie.amazonaws.com",
    "malware-protection.guardduty.amazonaws.com",
    "member.org.stacksets.cloudformation.amazonaws.com",
    "mgn.amazonaws.com",
    "networkmanager.amazonaws.com",
    "notifications.amazonaws.com",
    "opsdatasync.ssm.amazonaws.com",
    "ram.amazonaws.com",
    "reporting.trustedadvisor.amazonaws.com",
    "resource-explorer-2.amazonaws.com",
    "security-ir.amazonaws.com",
    "securityhub.amazonaws.com",
    "securitylake.amazonaws.com",
    "servicecatalog.amazonaws.com",
    "servicequotas.amazonaws.com",
    "ssm-quicksetup.amazonaws.com",
    "ssm.amazonaws.com",
    "sso.amazonaws.com",
    "storage-lens.s3.amazonaws.com",
    "tagpolicies.tag.amazonaws.com",
    "wellarchitected.amazonaws.com",
};

}  // namespace

bool IsTrustedAccessPrincipal(std::string_view service_principal) {
  return std::binary_search(kPrincipals.begin(), kPrincipals.end(), service_principal);
}

Result<std::string> ReadServicePrincipal(const OperationContext& c) {
  std::string principal = c.input.at("ServicePrincipal");
  if (!IsTrustedAccessPrincipal(principal)) return InvalidInput("UNRECOGNIZED_SERVICE_PRINCIPAL");
  return principal;
}

}  // namespace gatehouse::services::organizations
