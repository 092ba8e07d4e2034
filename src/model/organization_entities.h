// The entities of AWS Organizations: organizations with their root, member accounts,
// organizational units, account-creation requests, handshakes, organization policies (SCPs, tag
// policies) and their attachments, the services given access to the organization, and transfers
// of responsibility between organizations. Plain
// immutable values; each has a `Key()` under which the store and the directory keep it (see
// store/record_kinds.def). Keys put the organization first, so that listing an organization's
// accounts, OUs or policies is one ordered scan. Timestamps are milliseconds since the epoch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/entities.h"

namespace gatehouse::model {

inline constexpr const char* kFeatureSetAll = "ALL";
inline constexpr const char* kFeatureSetConsolidatedBilling = "CONSOLIDATED_BILLING";
inline constexpr const char* kServiceControlPolicy = "SERVICE_CONTROL_POLICY";
inline constexpr const char* kTagPolicy = "TAG_POLICY";
// The AWS-managed SCP every organization with SCPs has; it belongs to no organization.
inline constexpr const char* kFullAwsAccessPolicyId = "p-FullAWSAccess";

struct Organization {
  std::string id;  // o-…
  std::string management_account_id;
  std::string feature_set = kFeatureSetAll;
  std::string root_id;  // r-…
  // The policy types enabled on the root (SERVICE_CONTROL_POLICY, TAG_POLICY, …).
  std::vector<std::string> enabled_policy_types;
  // The centralized root access features IAM has enabled for the organization
  // ("RootCredentialsManagement", "RootSessions").
  std::vector<std::string> root_access_features;
  std::vector<Tag> root_tags;
  int64_t created_ms = 0;

  std::string ArnPrefix() const { return "arn:aws:organizations::" + management_account_id + ":"; }
  std::string Arn() const { return ArnPrefix() + "organization/" + id; }
  std::string Key() const { return id; }
};

// Which organization an account belongs to: the index from an account to its membership.
struct AccountOrganization {
  std::string account_id;
  std::string organization_id;

  std::string Key() const { return account_id; }
};

inline constexpr const char* kJoinedCreated = "CREATED";
inline constexpr const char* kJoinedInvited = "INVITED";
inline constexpr const char* kAccountActive = "ACTIVE";
inline constexpr const char* kAccountSuspended = "SUSPENDED";

// An account's membership of an organization (the management account's too).
struct OrganizationAccount {
  std::string organization_id;
  std::string account_id;
  std::string parent_id;  // r-… or ou-…
  std::string joined_method = kJoinedCreated;
  int64_t joined_ms = 0;
  std::string status = kAccountActive;
  std::vector<Tag> tags;

  std::string Key() const { return organization_id + "/" + account_id; }
};

struct OrganizationalUnit {
  std::string organization_id;
  std::string id;  // ou-ROOT-SUFFIX
  std::string parent_id;
  std::string name;
  std::vector<Tag> tags;
  int64_t created_ms = 0;

  std::string Key() const { return organization_id + "/" + id; }
};

inline constexpr const char* kCreateInProgress = "IN_PROGRESS";
inline constexpr const char* kCreateSucceeded = "SUCCEEDED";
inline constexpr const char* kCreateFailed = "FAILED";

// A CreateAccount request and its outcome (CreateAccountStatus).
struct AccountCreation {
  std::string organization_id;
  std::string id;  // car-…
  std::string account_name;
  std::string email;
  std::string role_name = "OrganizationAccountAccessRole";
  std::string iam_user_access_to_billing = "ALLOW";
  std::vector<Tag> tags;
  std::string state = kCreateInProgress;
  std::string failure_reason;
  std::string account_id;
  int64_t requested_ms = 0;
  int64_t completed_ms = 0;

  std::string Key() const { return organization_id + "/" + id; }
};

struct HandshakeParty {
  std::string id;
  std::string type;  // ACCOUNT, ORGANIZATION, EMAIL
};

struct HandshakeResource {
  std::string type;  // ORGANIZATION, ACCOUNT, EMAIL, NOTES, …
  std::string value;
  std::vector<HandshakeResource> resources;
};

inline constexpr const char* kHandshakeOpen = "OPEN";
inline constexpr const char* kHandshakeAccepted = "ACCEPTED";
inline constexpr const char* kHandshakeDeclined = "DECLINED";
inline constexpr const char* kHandshakeCanceled = "CANCELED";
inline constexpr const char* kHandshakeExpired = "EXPIRED";

// A handshake (an invitation, so far). `state` is as last written: an open handshake past its
// expiry reads as EXPIRED (services/organizations decides that against the clock).
struct Handshake {
  std::string id;  // h-…
  std::string organization_id;
  std::string management_account_id;
  std::string action = "INVITE";
  std::vector<HandshakeParty> parties;
  std::vector<HandshakeResource> resources;
  std::string state = kHandshakeOpen;
  int64_t requested_ms = 0;
  int64_t expires_ms = 0;
  // The invited account (resolved from an email target when it names an account), for
  // ListHandshakesForAccount and AcceptHandshake.
  std::string target_account_id;
  std::vector<Tag> tags;

  std::string Arn() const {
    return "arn:aws:organizations::" + management_account_id + ":handshake/" + organization_id +
           "/" + "invite/" + id;
  }
  std::string Key() const { return id; }
};

// A customer-managed organization policy.
struct OrganizationPolicy {
  std::string organization_id;
  std::string id;  // p-…
  std::string type = kServiceControlPolicy;
  std::string name;
  std::string description;
  std::string content;
  std::vector<Tag> tags;

  std::string Key() const { return organization_id + "/" + id; }
};

// A policy attached to a root, an OU or an account; keyed by target first, because
// authorization asks for the policies of each target on an account's path.
struct PolicyAttachment {
  std::string organization_id;
  std::string target_id;
  std::string policy_id;
  std::string policy_type = kServiceControlPolicy;

  std::string Key() const { return organization_id + "/" + target_id + "/" + policy_id; }
};

// A service given access to the organization (EnableAWSServiceAccess).
struct ServiceAccess {
  std::string organization_id;
  std::string service_principal;
  int64_t enabled_ms = 0;

  std::string Key() const { return organization_id + "/" + service_principal; }
};

// A member account registered as the delegated administrator of a service
// (RegisterDelegatedAdministrator); keyed by account first, so that an account's delegations
// are one prefix and leave with it.
struct DelegatedAdministrator {
  std::string organization_id;
  std::string account_id;
  std::string service_principal;
  int64_t enabled_ms = 0;

  std::string Key() const { return organization_id + "/" + account_id + "/" + service_principal; }
};

// The organization's resource-based policy (PutResourcePolicy): which principals of its member
// accounts may call which Organizations operations, as if from the management account.
struct OrganizationResourcePolicy {
  std::string organization_id;
  std::string id;  // rp-…
  std::string content;
  std::vector<Tag> tags;

  std::string Key() const { return organization_id; }
};

inline constexpr const char* kTransferRequested = "REQUESTED";
inline constexpr const char* kTransferAccepted = "ACCEPTED";
inline constexpr const char* kTransferDeclined = "DECLINED";
inline constexpr const char* kTransferCanceled = "CANCELED";
inline constexpr const char* kTransferExpired = "EXPIRED";
inline constexpr const char* kTransferWithdrawn = "WITHDRAWN";

// A transfer of responsibility (billing) between two organizations
// (InviteOrganizationToTransferResponsibility): the target organization, whose management
// account sent the invitation, takes the responsibility for the source organization, whose
// management account accepts it. Keyed by id alone, like its handshake: the source is known
// only once the invitation is accepted. `status` is as last written: a requested transfer past
// its invitation's expiry reads as EXPIRED. Each side names the transfer for itself.
struct ResponsibilityTransfer {
  std::string id;  // rt-…
  std::string type = "BILLING";
  std::string status = kTransferRequested;
  std::string handshake_id;
  std::string target_organization_id;
  std::string target_account_id;
  std::string target_name;
  // The invited management account: its id (when the invitation named it, or an email that
  // was an account's) and the email the invitation was sent to; once accepted, the accepting
  // management account's id and email.
  std::string source_account_id;
  std::string source_email;
  bool invited_by_email = false;
  std::string source_organization_id;  // set when accepted
  std::string source_name;
  int64_t requested_ms = 0;
  int64_t expires_ms = 0;  // of the invitation
  int64_t start_ms = 0;
  int64_t end_ms = 0;  // 0: no end set
  std::vector<Tag> tags;

  std::string Key() const { return id; }
};

// Which transfer an organization's responsibility was last given by (the accepted transfer
// whose source it is): one record per source organization, so that two acceptances racing
// for the same organization end in one.
struct ResponsibilityTransferSource {
  std::string organization_id;
  std::string transfer_id;

  std::string Key() const { return organization_id; }
};

}  // namespace gatehouse::model
