// One sample request per operation of authz/operations.def, for the authorization coverage test
// (authorization_coverage_test.cc): form parameters that pass input validation against the
// service model (required members present, lengths and patterns respected), so that whatever
// the answer is, it comes from authorization or the handler, never from validation.
//
// Values are written unencoded (the test URL-encodes them) and may name:
//   {account}     the caller's account id
//   {target_key}  the access key id of user "alice", the other user the samples act on
// and the role "Trusting", whose trust policy delegates to the account's own policies.
// Each account is the management account of its own organization, whose ids the values may
// name too: {org}, {root}, {ou} (an OU under the root), {policy} (an SCP, attached to
// nothing). For the JSON services (organizations) the params are the members of the JSON
// input; a value starting with '[', '{' or '"' is JSON itself (a policy document, a string
// holding JSON, is written as a JSON string).
// Operations taking a UserName name "alice", never the caller, so that the resource is another
// user; the ones that default to the caller (ChangePassword, ListMFADevices …) are the caller's.
// Samples avoid answers a handler words as AccessDenied itself (an AWS managed policy given to
// an operation that changes policies, a service without a service-linked role template, a wrong
// old password), so AccessDenied always means authorization refused.
//
// A new operation in operations.def needs a row here; the test names any operation without one.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace gatehouse::services::testing_support {

struct OperationSample {
  std::string service;    // "iam"
  std::string operation;  // "CreateUser"
  std::vector<std::pair<std::string, std::string>> params;
};

inline const std::vector<OperationSample>& OperationSamples() {
  static const std::string kDoc =
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject",)"
      R"("Resource":"*"}})";
  static const std::string kTrust =
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":)"
      R"({"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}})";
  static const std::string kAwsPolicy = "arn:aws:iam::aws:policy/ReadOnlyAccess";
  static const std::string kOwnPolicy = "arn:aws:iam::{account}:policy/Sample";
  static const std::string kMfa = "arn:aws:iam::{account}:mfa/Sample";
  static const std::string kOidc = "arn:aws:iam::{account}:oidc-provider/issuer.example.com";
  static const std::string kSaml = "arn:aws:iam::{account}:saml-provider/Sample";
  // An IdP's metadata with a self-signed signing certificate, padded past the API's 1,000
  // characters minimum with a long entity id.
  static const std::string kSamlMetadata =
      R"(<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" )"
      R"(xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.example.com/)" +
      std::string(300, 'x') +
      R"("><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">)"
      R"(<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>)"
      "MIIBjDCCATGgAwIBAgIUXqN4j+Tn/"
      "MKnjVbGUTvgD1qdSqEwCgYIKoZIzj0EAwIwGjEYMBYGA1UEAwwPaWRwLmV4YW1wbGUuY29tMCAXDTI2MTIwNTE5NDEyN"
      "FoYDzIxMjYxMTExMTk0MTI0WjAaMRgwFgYDVQQDDA9pZHAuZXhhbXBsZS5jb20wWTATBgcqhkjOPQIBBggqhkjOPQMBB"
      "wNCAARUlhEdOz5MBWgdbz6xAd9e6JiJ1mKrgbk5+sJjtn39AXxbQ/+7yZ+KFc4pJ8FTn5/"
      "ZEi5w8+ox+zAe6py5AOwpo1MwUTAdBgNVHQ4EFgQUc9m3AYynZ6xSF9Ga+"
      "ibQByYrG60wHwYDVR0jBBgwFoAUc9m3AYynZ6xSF9Ga+ibQByYrG60wDwYDVR0TAQH/BAUwAwEB/"
      "zAKBggqhkjOPQQDAgNJADBGAiEAzy2BvmsFVFPBQZ1tVJlE5g+"
      "AibQALmSqcdqx2NqbwLcCIQCo9tkq1sLHfio5CZz1L63YEUO6VE4Z38geP3iWpCSGUw=="
      R"(</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>)"
      R"(<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" )"
      R"(Location="https://idp.example.com/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>)";
  static const std::string kAlice = "arn:aws:iam::{account}:user/alice";
  static const std::vector<OperationSample> kSamples = {
      {"sts", "GetCallerIdentity", {}},
      {"sts", "GetSessionToken", {}},
      {"sts",
       "AssumeRole",
       {{"RoleArn", "arn:aws:iam::{account}:role/Trusting"}, {"RoleSessionName", "sample"}}},
      {"sts", "GetFederationToken", {{"Name", "sample"}}},
      {"sts", "GetWebIdentityToken", {{"Audience.member.1", "a"}, {"SigningAlgorithm", "RS256"}}},
      {"sts",
       "AssumeRoot",
       {{"TargetPrincipal", "{account}"},
        {"TaskPolicyArn.arn", "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"}}},
      {"sts", "GetAccessKeyInfo", {{"AccessKeyId", "{target_key}"}}},
      {"sts", "DecodeAuthorizationMessage", {{"EncodedMessage", "bm90IGEgbWVzc2FnZQ=="}}},
      // Users
      {"iam", "CreateUser", {{"UserName", "bob"}}},
      {"iam", "GetUser", {{"UserName", "alice"}}},
      {"iam", "ListUsers", {}},
      {"iam", "DeleteUser", {{"UserName", "alice"}}},
      {"iam", "UpdateUser", {{"UserName", "alice"}, {"NewPath", "/team/"}}},
      {"iam",
       "TagUser",
       {{"UserName", "alice"}, {"Tags.member.1.Key", "team"}, {"Tags.member.1.Value", "blue"}}},
      {"iam", "UntagUser", {{"UserName", "alice"}, {"TagKeys.member.1", "team"}}},
      {"iam", "ListUserTags", {{"UserName", "alice"}}},
      {"iam",
       "PutUserPermissionsBoundary",
       {{"UserName", "alice"}, {"PermissionsBoundary", kAwsPolicy}}},
      {"iam", "DeleteUserPermissionsBoundary", {{"UserName", "alice"}}},
      // Access keys
      {"iam", "CreateAccessKey", {{"UserName", "alice"}}},
      {"iam", "ListAccessKeys", {{"UserName", "alice"}}},
      {"iam", "DeleteAccessKey", {{"UserName", "alice"}, {"AccessKeyId", "{target_key}"}}},
      {"iam",
       "UpdateAccessKey",
       {{"UserName", "alice"}, {"AccessKeyId", "{target_key}"}, {"Status", "Inactive"}}},
      {"iam", "GetAccessKeyLastUsed", {{"AccessKeyId", "{target_key}"}}},
      {"iam",
       "UploadSSHPublicKey",
       {{"UserName", "alice"},
        {"SSHPublicKeyBody",
         "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOgwOyKHQljfdZgeCjRx/GBJSvGKa27pOjnOk9WvFKWb"}}},
      {"iam",
       "GetSSHPublicKey",
       {{"UserName", "alice"}, {"SSHPublicKeyId", "APKAAAAAAAAAAAAAAAAA"}, {"Encoding", "SSH"}}},
      {"iam", "ListSSHPublicKeys", {{"UserName", "alice"}}},
      {"iam",
       "UpdateSSHPublicKey",
       {{"UserName", "alice"}, {"SSHPublicKeyId", "APKAAAAAAAAAAAAAAAAA"}, {"Status", "Active"}}},
      {"iam",
       "DeleteSSHPublicKey",
       {{"UserName", "alice"}, {"SSHPublicKeyId", "APKAAAAAAAAAAAAAAAAA"}}},
      {"iam", "SetSecurityTokenServicePreferences", {{"GlobalEndpointTokenVersion", "v2Token"}}},
      {"iam",
       "GenerateServiceLastAccessedDetails",
       {{"Arn", "arn:aws:iam::{account}:user/alice"}, {"Granularity", "ACTION_LEVEL"}}},
      {"iam", "GetServiceLastAccessedDetails", {{"JobId", "00000000-0000-4000-8000-000000000000"}}},
      {"iam",
       "GetServiceLastAccessedDetailsWithEntities",
       {{"JobId", "00000000-0000-4000-8000-000000000000"}, {"ServiceNamespace", "iam"}}},
      {"iam",
       "ListPoliciesGrantingServiceAccess",
       {{"Arn", "arn:aws:iam::{account}:user/alice"}, {"ServiceNamespaces.member.1", "iam"}}},
      {"iam", "GenerateOrganizationsAccessReport", {{"EntityPath", "{org}/{root}"}}},
      {"iam", "GetOrganizationsAccessReport", {{"JobId", "00000000-0000-4000-8000-000000000000"}}},
      {"iam", "EnableOutboundWebIdentityFederation", {}},
      {"iam", "DisableOutboundWebIdentityFederation", {}},
      {"iam", "GetOutboundWebIdentityFederationInfo", {}},
      {"iam",
       "UploadServerCertificate",
       {{"ServerCertificateName", "Sample"},
        {"CertificateBody", "-----BEGIN CERTIFICATE-----"},
        {"PrivateKey", "-----BEGIN PRIVATE KEY-----"}}},
      {"iam", "GetServerCertificate", {{"ServerCertificateName", "Sample"}}},
      {"iam", "ListServerCertificates", {}},
      {"iam",
       "UpdateServerCertificate",
       {{"ServerCertificateName", "Sample"}, {"NewServerCertificateName", "Renamed"}}},
      {"iam", "DeleteServerCertificate", {{"ServerCertificateName", "Sample"}}},
      {"iam",
       "TagServerCertificate",
       {{"ServerCertificateName", "Sample"},
        {"Tags.member.1.Key", "k"},
        {"Tags.member.1.Value", "v"}}},
      {"iam",
       "UntagServerCertificate",
       {{"ServerCertificateName", "Sample"}, {"TagKeys.member.1", "k"}}},
      {"iam", "ListServerCertificateTags", {{"ServerCertificateName", "Sample"}}},
      {"iam",
       "UploadSigningCertificate",
       {{"UserName", "alice"}, {"CertificateBody", "-----BEGIN CERTIFICATE-----"}}},
      {"iam", "ListSigningCertificates", {{"UserName", "alice"}}},
      {"iam",
       "UpdateSigningCertificate",
       {{"UserName", "alice"},
        {"CertificateId", "AAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
        {"Status", "Inactive"}}},
      {"iam",
       "DeleteSigningCertificate",
       {{"UserName", "alice"}, {"CertificateId", "AAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}},
      {"iam",
       "CreateServiceSpecificCredential",
       {{"UserName", "alice"}, {"ServiceName", "codecommit.amazonaws.com"}}},
      {"iam", "ListServiceSpecificCredentials", {{"UserName", "alice"}}},
      {"iam",
       "ResetServiceSpecificCredential",
       {{"UserName", "alice"}, {"ServiceSpecificCredentialId", "ACCAAAAAAAAAAAAAAAAAA"}}},
      {"iam",
       "UpdateServiceSpecificCredential",
       {{"UserName", "alice"},
        {"ServiceSpecificCredentialId", "ACCAAAAAAAAAAAAAAAAAA"},
        {"Status", "Inactive"}}},
      {"iam",
       "DeleteServiceSpecificCredential",
       {{"UserName", "alice"}, {"ServiceSpecificCredentialId", "ACCAAAAAAAAAAAAAAAAAA"}}},
      // User policies
      {"iam",
       "PutUserPolicy",
       {{"UserName", "alice"}, {"PolicyName", "Sample"}, {"PolicyDocument", kDoc}}},
      {"iam", "GetUserPolicy", {{"UserName", "alice"}, {"PolicyName", "Sample"}}},
      {"iam", "ListUserPolicies", {{"UserName", "alice"}}},
      {"iam", "DeleteUserPolicy", {{"UserName", "alice"}, {"PolicyName", "Sample"}}},
      {"iam", "AttachUserPolicy", {{"UserName", "alice"}, {"PolicyArn", kAwsPolicy}}},
      {"iam", "DetachUserPolicy", {{"UserName", "alice"}, {"PolicyArn", kAwsPolicy}}},
      {"iam", "ListAttachedUserPolicies", {{"UserName", "alice"}}},
      // Groups
      {"iam", "CreateGroup", {{"GroupName", "Sample"}}},
      {"iam", "GetGroup", {{"GroupName", "Sample"}}},
      {"iam", "ListGroups", {}},
      {"iam", "UpdateGroup", {{"GroupName", "Sample"}, {"NewGroupName", "Renamed"}}},
      {"iam", "DeleteGroup", {{"GroupName", "Sample"}}},
      {"iam", "AddUserToGroup", {{"GroupName", "Sample"}, {"UserName", "alice"}}},
      {"iam", "RemoveUserFromGroup", {{"GroupName", "Sample"}, {"UserName", "alice"}}},
      {"iam", "ListGroupsForUser", {{"UserName", "alice"}}},
      {"iam",
       "PutGroupPolicy",
       {{"GroupName", "Sample"}, {"PolicyName", "Sample"}, {"PolicyDocument", kDoc}}},
      {"iam", "GetGroupPolicy", {{"GroupName", "Sample"}, {"PolicyName", "Sample"}}},
      {"iam", "ListGroupPolicies", {{"GroupName", "Sample"}}},
      {"iam", "DeleteGroupPolicy", {{"GroupName", "Sample"}, {"PolicyName", "Sample"}}},
      {"iam", "AttachGroupPolicy", {{"GroupName", "Sample"}, {"PolicyArn", kAwsPolicy}}},
      {"iam", "DetachGroupPolicy", {{"GroupName", "Sample"}, {"PolicyArn", kAwsPolicy}}},
      {"iam", "ListAttachedGroupPolicies", {{"GroupName", "Sample"}}},
      // Roles
      {"iam", "CreateRole", {{"RoleName", "Sample"}, {"AssumeRolePolicyDocument", kTrust}}},
      {"iam", "GetRole", {{"RoleName", "Sample"}}},
      {"iam", "ListRoles", {}},
      {"iam", "UpdateRole", {{"RoleName", "Sample"}, {"Description", "sample role"}}},
      {"iam", "UpdateRoleDescription", {{"RoleName", "Sample"}, {"Description", "sample role"}}},
      {"iam", "UpdateAssumeRolePolicy", {{"RoleName", "Sample"}, {"PolicyDocument", kTrust}}},
      {"iam", "DeleteRole", {{"RoleName", "Sample"}}},
      {"iam",
       "PutRolePolicy",
       {{"RoleName", "Sample"}, {"PolicyName", "Sample"}, {"PolicyDocument", kDoc}}},
      {"iam", "GetRolePolicy", {{"RoleName", "Sample"}, {"PolicyName", "Sample"}}},
      {"iam", "ListRolePolicies", {{"RoleName", "Sample"}}},
      {"iam", "DeleteRolePolicy", {{"RoleName", "Sample"}, {"PolicyName", "Sample"}}},
      {"iam", "AttachRolePolicy", {{"RoleName", "Sample"}, {"PolicyArn", kAwsPolicy}}},
      {"iam", "DetachRolePolicy", {{"RoleName", "Sample"}, {"PolicyArn", kAwsPolicy}}},
      {"iam", "ListAttachedRolePolicies", {{"RoleName", "Sample"}}},
      {"iam",
       "PutRolePermissionsBoundary",
       {{"RoleName", "Sample"}, {"PermissionsBoundary", kAwsPolicy}}},
      {"iam", "DeleteRolePermissionsBoundary", {{"RoleName", "Sample"}}},
      {"iam",
       "TagRole",
       {{"RoleName", "Sample"}, {"Tags.member.1.Key", "team"}, {"Tags.member.1.Value", "blue"}}},
      {"iam", "UntagRole", {{"RoleName", "Sample"}, {"TagKeys.member.1", "team"}}},
      {"iam", "ListRoleTags", {{"RoleName", "Sample"}}},
      {"iam", "CreateServiceLinkedRole", {{"AWSServiceName", "organizations.amazonaws.com"}}},
      {"iam", "DeleteServiceLinkedRole", {{"RoleName", "AWSServiceRoleForOrganizations"}}},
      {"iam",
       "GetServiceLinkedRoleDeletionStatus",
       {{"DeletionTaskId",
         "task/aws-service-role/organizations.amazonaws.com/AWSServiceRoleForOrganizations/"
         "0a1b2c3d-0000-4000-8000-000000000000"}}},
      // Instance profiles
      {"iam", "CreateInstanceProfile", {{"InstanceProfileName", "Sample"}}},
      {"iam", "GetInstanceProfile", {{"InstanceProfileName", "Sample"}}},
      {"iam", "ListInstanceProfiles", {}},
      {"iam", "DeleteInstanceProfile", {{"InstanceProfileName", "Sample"}}},
      {"iam",
       "AddRoleToInstanceProfile",
       {{"InstanceProfileName", "Sample"}, {"RoleName", "Sample"}}},
      {"iam",
       "RemoveRoleFromInstanceProfile",
       {{"InstanceProfileName", "Sample"}, {"RoleName", "Sample"}}},
      {"iam", "ListInstanceProfilesForRole", {{"RoleName", "Sample"}}},
      {"iam",
       "TagInstanceProfile",
       {{"InstanceProfileName", "Sample"},
        {"Tags.member.1.Key", "team"},
        {"Tags.member.1.Value", "blue"}}},
      {"iam",
       "UntagInstanceProfile",
       {{"InstanceProfileName", "Sample"}, {"TagKeys.member.1", "team"}}},
      {"iam", "ListInstanceProfileTags", {{"InstanceProfileName", "Sample"}}},
      // Managed policies
      {"iam", "CreatePolicy", {{"PolicyName", "Sample"}, {"PolicyDocument", kDoc}}},
      {"iam", "GetPolicy", {{"PolicyArn", kAwsPolicy}}},
      {"iam", "ListPolicies", {}},
      {"iam", "DeletePolicy", {{"PolicyArn", kOwnPolicy}}},
      {"iam", "CreatePolicyVersion", {{"PolicyArn", kOwnPolicy}, {"PolicyDocument", kDoc}}},
      {"iam", "GetPolicyVersion", {{"PolicyArn", kAwsPolicy}, {"VersionId", "v1"}}},
      {"iam", "ListPolicyVersions", {{"PolicyArn", kAwsPolicy}}},
      {"iam", "DeletePolicyVersion", {{"PolicyArn", kOwnPolicy}, {"VersionId", "v1"}}},
      {"iam", "SetDefaultPolicyVersion", {{"PolicyArn", kOwnPolicy}, {"VersionId", "v1"}}},
      {"iam", "ListEntitiesForPolicy", {{"PolicyArn", kAwsPolicy}}},
      {"iam",
       "TagPolicy",
       {{"PolicyArn", kOwnPolicy}, {"Tags.member.1.Key", "team"}, {"Tags.member.1.Value", "blue"}}},
      {"iam", "UntagPolicy", {{"PolicyArn", kOwnPolicy}, {"TagKeys.member.1", "team"}}},
      {"iam", "ListPolicyTags", {{"PolicyArn", kOwnPolicy}}},
      // Console passwords
      {"iam",
       "CreateLoginProfile",
       {{"UserName", "alice"}, {"Password", "Correct-horse-battery-9"}}},
      {"iam", "GetLoginProfile", {{"UserName", "alice"}}},
      {"iam",
       "UpdateLoginProfile",
       {{"UserName", "alice"}, {"Password", "Correct-horse-battery-9"}}},
      {"iam", "DeleteLoginProfile", {{"UserName", "alice"}}},
      {"iam",
       "ChangePassword",
       {{"OldPassword", "Correct-horse-battery-9"}, {"NewPassword", "Staple-battery-horse-7"}}},
      {"iam", "UpdateAccountPasswordPolicy", {{"MinimumPasswordLength", "12"}}},
      {"iam", "GetAccountPasswordPolicy", {}},
      {"iam", "DeleteAccountPasswordPolicy", {}},
      // MFA
      {"iam", "CreateVirtualMFADevice", {{"VirtualMFADeviceName", "Sample"}}},
      {"iam", "DeleteVirtualMFADevice", {{"SerialNumber", kMfa}}},
      {"iam",
       "EnableMFADevice",
       {{"UserName", "alice"},
        {"SerialNumber", kMfa},
        {"AuthenticationCode1", "123456"},
        {"AuthenticationCode2", "654321"}}},
      {"iam", "DeactivateMFADevice", {{"UserName", "alice"}, {"SerialNumber", kMfa}}},
      {"iam",
       "ResyncMFADevice",
       {{"UserName", "alice"},
        {"SerialNumber", kMfa},
        {"AuthenticationCode1", "123456"},
        {"AuthenticationCode2", "654321"}}},
      {"iam", "GetMFADevice", {{"UserName", "alice"}, {"SerialNumber", kMfa}}},
      {"iam", "ListMFADevices", {{"UserName", "alice"}}},
      {"iam", "ListVirtualMFADevices", {}},
      {"iam",
       "TagMFADevice",
       {{"SerialNumber", kMfa}, {"Tags.member.1.Key", "team"}, {"Tags.member.1.Value", "blue"}}},
      {"iam", "UntagMFADevice", {{"SerialNumber", kMfa}, {"TagKeys.member.1", "team"}}},
      // OpenID Connect providers
      {"iam", "CreateOpenIDConnectProvider", {{"Url", "https://issuer.example.com"}}},
      {"iam", "GetOpenIDConnectProvider", {{"OpenIDConnectProviderArn", kOidc}}},
      {"iam", "ListOpenIDConnectProviders", {}},
      {"iam", "DeleteOpenIDConnectProvider", {{"OpenIDConnectProviderArn", kOidc}}},
      {"iam",
       "AddClientIDToOpenIDConnectProvider",
       {{"OpenIDConnectProviderArn", kOidc}, {"ClientID", "sample"}}},
      {"iam",
       "RemoveClientIDFromOpenIDConnectProvider",
       {{"OpenIDConnectProviderArn", kOidc}, {"ClientID", "sample"}}},
      {"iam",
       "UpdateOpenIDConnectProviderThumbprint",
       {{"OpenIDConnectProviderArn", kOidc},
        {"ThumbprintList.member.1", "0123456789abcdef0123456789abcdef01234567"}}},
      {"iam",
       "TagOpenIDConnectProvider",
       {{"OpenIDConnectProviderArn", kOidc},
        {"Tags.member.1.Key", "team"},
        {"Tags.member.1.Value", "blue"}}},
      {"iam",
       "UntagOpenIDConnectProvider",
       {{"OpenIDConnectProviderArn", kOidc}, {"TagKeys.member.1", "team"}}},
      {"iam", "ListOpenIDConnectProviderTags", {{"OpenIDConnectProviderArn", kOidc}}},
      // SAML providers
      {"iam", "CreateSAMLProvider", {{"Name", "Sample"}, {"SAMLMetadataDocument", kSamlMetadata}}},
      {"iam", "GetSAMLProvider", {{"SAMLProviderArn", kSaml}}},
      {"iam", "ListSAMLProviders", {}},
      {"iam", "UpdateSAMLProvider", {{"SAMLProviderArn", kSaml}}},
      {"iam", "DeleteSAMLProvider", {{"SAMLProviderArn", kSaml}}},
      {"iam",
       "TagSAMLProvider",
       {{"SAMLProviderArn", kSaml},
        {"Tags.member.1.Key", "team"},
        {"Tags.member.1.Value", "blue"}}},
      {"iam", "UntagSAMLProvider", {{"SAMLProviderArn", kSaml}, {"TagKeys.member.1", "team"}}},
      {"iam", "ListSAMLProviderTags", {{"SAMLProviderArn", kSaml}}},
      {"iam", "ListMFADeviceTags", {{"SerialNumber", kMfa}}},
      // Account
      {"iam", "CreateAccountAlias", {{"AccountAlias", "alias-{account}"}}},
      {"iam", "ListAccountAliases", {}},
      {"iam", "EnableOrganizationsRootCredentialsManagement", {}},
      {"iam", "DisableOrganizationsRootCredentialsManagement", {}},
      {"iam", "EnableOrganizationsRootSessions", {}},
      {"iam", "DisableOrganizationsRootSessions", {}},
      {"iam", "ListOrganizationsFeatures", {}},
      {"iam", "DeleteAccountAlias", {{"AccountAlias", "alias-{account}"}}},
      {"iam", "GetAccountSummary", {}},
      {"iam", "GetAccountAuthorizationDetails", {}},
      {"iam", "GenerateCredentialReport", {}},
      {"iam", "GetCredentialReport", {}},
      // Simulation
      {"iam",
       "SimulatePrincipalPolicy",
       {{"PolicySourceArn", kAlice}, {"ActionNames.member.1", "s3:GetObject"}}},
      {"iam",
       "SimulateCustomPolicy",
       {{"PolicyInputList.member.1", kDoc}, {"ActionNames.member.1", "s3:GetObject"}}},
      {"iam", "GetContextKeysForPrincipalPolicy", {{"PolicySourceArn", kAlice}}},
      {"iam", "GetContextKeysForCustomPolicy", {{"PolicyInputList.member.1", kDoc}}},
      // Organizations: the organization
      {"organizations", "CreateOrganization", {{"FeatureSet", "ALL"}}},
      {"organizations", "DescribeOrganization", {}},
      {"organizations", "DeleteOrganization", {}},
      {"organizations", "EnableAllFeatures", {}},
      {"organizations", "EnableAWSServiceAccess", {{"ServicePrincipal", "config.amazonaws.com"}}},
      {"organizations", "DisableAWSServiceAccess", {{"ServicePrincipal", "config.amazonaws.com"}}},
      {"organizations", "ListAWSServiceAccessForOrganization", {}},
      // Organizations: roots and OUs
      {"organizations", "ListRoots", {}},
      {"organizations", "CreateOrganizationalUnit", {{"ParentId", "{root}"}, {"Name", "Sample"}}},
      {"organizations", "DescribeOrganizationalUnit", {{"OrganizationalUnitId", "{ou}"}}},
      {"organizations",
       "UpdateOrganizationalUnit",
       {{"OrganizationalUnitId", "{ou}"}, {"Name", "Renamed"}}},
      {"organizations", "DeleteOrganizationalUnit", {{"OrganizationalUnitId", "{ou}"}}},
      {"organizations", "ListOrganizationalUnitsForParent", {{"ParentId", "{root}"}}},
      {"organizations", "ListChildren", {{"ParentId", "{root}"}, {"ChildType", "ACCOUNT"}}},
      {"organizations", "ListParents", {{"ChildId", "{account}"}}},
      // Organizations: accounts
      {"organizations",
       "CreateAccount",
       {{"Email", "new-{account}@example.com"}, {"AccountName", "Sample"}}},
      {"organizations",
       "DescribeCreateAccountStatus",
       {{"CreateAccountRequestId", "car-{account}"}}},
      {"organizations", "ListCreateAccountStatus", {}},
      {"organizations",
       "RegisterDelegatedAdministrator",
       {{"AccountId", "{account}"}, {"ServicePrincipal", "config.amazonaws.com"}}},
      {"organizations",
       "DeregisterDelegatedAdministrator",
       {{"AccountId", "{account}"}, {"ServicePrincipal", "config.amazonaws.com"}}},
      {"organizations", "ListDelegatedAdministrators", {}},
      {"organizations", "ListDelegatedServicesForAccount", {{"AccountId", "{account}"}}},
      {"organizations",
       "PutResourcePolicy",
       {{"Content", R"("{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",)"
                    R"(\"Principal\":{\"AWS\":\"{account}\"},\"Action\":\"organizations:List*\",)"
                    R"(\"Resource\":\"*\"}}")"}}},
      {"organizations", "DescribeResourcePolicy", {}},
      {"organizations", "DescribeEffectivePolicy", {{"PolicyType", "TAG_POLICY"}}},
      {"organizations", "DeleteResourcePolicy", {}},
      {"organizations",
       "CreateGovCloudAccount",
       {{"Email", "gov@example.com"}, {"AccountName", "gov"}}},
      {"organizations", "DescribeAccount", {{"AccountId", "{account}"}}},
      {"organizations", "ListAccounts", {}},
      {"organizations", "ListAccountsForParent", {{"ParentId", "{root}"}}},
      {"organizations",
       "MoveAccount",
       {{"AccountId", "{account}"}, {"SourceParentId", "{root}"}, {"DestinationParentId", "{ou}"}}},
      {"organizations", "CloseAccount", {{"AccountId", "{account}"}}},
      {"organizations", "RemoveAccountFromOrganization", {{"AccountId", "{account}"}}},
      {"organizations", "LeaveOrganization", {}},
      {"organizations",
       "TagResource",
       {{"ResourceId", "{ou}"}, {"Tags", R"([{"Key":"k","Value":"v"}])"}}},
      {"organizations", "UntagResource", {{"ResourceId", "{ou}"}, {"TagKeys", R"(["k"])"}}},
      {"organizations", "ListTagsForResource", {{"ResourceId", "{ou}"}}},
      // Organizations: handshakes
      {"organizations",
       "InviteAccountToOrganization",
       {{"Target", R"({"Type":"ACCOUNT","Id":"999999999999"})"}}},
      {"organizations", "AcceptHandshake", {{"HandshakeId", "h-{account}"}}},
      {"organizations", "DeclineHandshake", {{"HandshakeId", "h-{account}"}}},
      {"organizations", "CancelHandshake", {{"HandshakeId", "h-{account}"}}},
      {"organizations", "DescribeHandshake", {{"HandshakeId", "h-{account}"}}},
      {"organizations", "ListHandshakesForAccount", {}},
      {"organizations", "ListHandshakesForOrganization", {}},
      // Organizations: policies
      {"organizations",
       "EnablePolicyType",
       {{"RootId", "{root}"}, {"PolicyType", "SERVICE_CONTROL_POLICY"}}},
      {"organizations",
       "DisablePolicyType",
       {{"RootId", "{root}"}, {"PolicyType", "SERVICE_CONTROL_POLICY"}}},
      {"organizations",
       "CreatePolicy",
       {{"Content", R"("{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Deny\",)"
                    R"(\"Action\":\"iam:*\",\"Resource\":\"*\"}}")"},
        {"Description", "sample"},
        {"Name", "Created"},
        {"Type", "SERVICE_CONTROL_POLICY"}}},
      {"organizations", "UpdatePolicy", {{"PolicyId", "{policy}"}, {"Name", "Renamed"}}},
      {"organizations", "DeletePolicy", {{"PolicyId", "{policy}"}}},
      {"organizations", "DescribePolicy", {{"PolicyId", "{policy}"}}},
      {"organizations", "ListPolicies", {{"Filter", "SERVICE_CONTROL_POLICY"}}},
      {"organizations", "AttachPolicy", {{"PolicyId", "{policy}"}, {"TargetId", "{ou}"}}},
      {"organizations", "DetachPolicy", {{"PolicyId", "{policy}"}, {"TargetId", "{ou}"}}},
      {"organizations",
       "ListPoliciesForTarget",
       {{"TargetId", "{ou}"}, {"Filter", "SERVICE_CONTROL_POLICY"}}},
      {"organizations", "ListTargetsForPolicy", {{"PolicyId", "{policy}"}}},
      {"cloudtrail", "LookupEvents", {}},
  };
  return kSamples;
}

}  // namespace gatehouse::services::testing_support
