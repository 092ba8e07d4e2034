// The visual policy editor's services and their common actions: one list, here only.
export const SERVICES = [
  {
    prefix: 'iam', name: 'IAM', title: 'Identity and Access Management (IAM)',
    actions: [
      'AddUserToGroup', 'AttachGroupPolicy', 'AttachRolePolicy', 'AttachUserPolicy',
      'ChangePassword', 'CreateAccessKey', 'CreateAccountAlias', 'CreateGroup',
      'CreateLoginProfile', 'CreatePolicy', 'CreatePolicyVersion', 'CreateRole', 'CreateUser',
      'CreateVirtualMFADevice', 'DeactivateMFADevice', 'DeleteAccessKey', 'DeleteAccountAlias',
      'DeleteAccountPasswordPolicy', 'DeleteGroup', 'DeleteGroupPolicy', 'DeleteLoginProfile',
      'DeletePolicy', 'DeletePolicyVersion', 'DeleteRole', 'DeleteRolePolicy', 'DeleteUser',
      'DeleteUserPolicy', 'DeleteVirtualMFADevice', 'DetachGroupPolicy', 'DetachRolePolicy',
      'DetachUserPolicy', 'EnableMFADevice', 'GetAccountPasswordPolicy', 'GetAccountSummary',
      'GetGroup', 'GetGroupPolicy', 'GetLoginProfile', 'GetPolicy', 'GetPolicyVersion', 'GetRole',
      'GetRolePolicy', 'GetUser', 'GetUserPolicy', 'ListAccessKeys', 'ListAccountAliases',
      'ListAttachedGroupPolicies', 'ListAttachedRolePolicies', 'ListAttachedUserPolicies',
      'ListEntitiesForPolicy', 'ListGroupPolicies', 'ListGroups', 'ListGroupsForUser',
      'ListMFADevices', 'ListPolicies', 'ListPolicyVersions', 'ListRolePolicies', 'ListRoles',
      'ListUserPolicies', 'ListUsers', 'ListVirtualMFADevices', 'PassRole', 'PutGroupPolicy',
      'PutRolePolicy', 'PutUserPolicy', 'RemoveUserFromGroup', 'SetDefaultPolicyVersion',
      'SimulatePrincipalPolicy', 'TagRole', 'TagUser', 'UpdateAccessKey',
      'UpdateAccountPasswordPolicy', 'UpdateAssumeRolePolicy', 'UpdateLoginProfile', 'UpdateRole',
      'UpdateUser',
    ],
  },
  {
    prefix: 'sts', name: 'STS', title: 'Security Token Service (STS)',
    actions: [
      'AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity', 'AssumeRoot',
      'DecodeAuthorizationMessage', 'GetAccessKeyInfo', 'GetCallerIdentity',
      'GetFederationToken', 'GetSessionToken', 'SetSourceIdentity', 'TagSession',
    ],
  },
  {
    prefix: 'organizations', name: 'Organizations', title: 'AWS Organizations',
    actions: [
      'AcceptHandshake', 'AttachPolicy', 'CancelHandshake', 'CloseAccount', 'CreateAccount',
      'CreateOrganization', 'CreateOrganizationalUnit', 'CreatePolicy', 'DeclineHandshake',
      'DeleteOrganization', 'DeleteOrganizationalUnit', 'DeletePolicy', 'DescribeAccount',
      'DescribeCreateAccountStatus', 'DescribeHandshake', 'DescribeOrganization',
      'DescribeOrganizationalUnit', 'DescribePolicy', 'DetachPolicy', 'DisablePolicyType',
      'EnableAllFeatures', 'EnablePolicyType', 'InviteAccountToOrganization',
      'LeaveOrganization', 'ListAccounts', 'ListAccountsForParent', 'ListChildren',
      'ListCreateAccountStatus', 'ListHandshakesForAccount', 'ListHandshakesForOrganization',
      'ListOrganizationalUnitsForParent', 'ListParents', 'ListPolicies',
      'ListPoliciesForTarget', 'ListRoots', 'ListTagsForResource', 'ListTargetsForPolicy',
      'MoveAccount', 'RemoveAccountFromOrganization', 'TagResource', 'UntagResource',
      'UpdateOrganizationalUnit', 'UpdatePolicy',
    ],
  },
];

// Actions whose resource is a role, for which "Add ARN" asks for an account and a role name.
export const ROLE_RESOURCE_ACTIONS = new Set([
  'sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity', 'sts:TagSession',
  'sts:SetSourceIdentity', 'iam:PassRole', 'iam:GetRole', 'iam:UpdateRole', 'iam:DeleteRole',
  'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy',
  'iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies',
  'iam:UpdateAssumeRolePolicy', 'iam:TagRole',
]);

export function roleArn(accountId, roleNameWithPath) {
  const name = roleNameWithPath.replace(/^\/+/, '');
  return `arn:aws:iam::${accountId}:role/${name}`;
}
