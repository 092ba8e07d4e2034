// The IAM pages in Chromium, as the root user of a fresh server: users (access keys shown
// once, console password), groups (members, managed and inline policies), policies (the JSON
// editor's MalformedPolicyDocument message, versions), account settings, and the
// Organizations OUs and service control policies.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  alertText, errorWithCode, expectHome, launchBrowser, newPage, ROOT_PASSWORD, rootClient, signInAsRoot,
  startServer,
  rootTest,
} from './server.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const asRoot = rootTest(() => browser);

asRoot('users: access keys, console password, groups, delete', async (page, root) => {
  await root.call('iam', 'CreateGroup', { GroupName: 'Readers' });
  await page.goto('/iam/users');
  await page.getByRole('link', { name: 'Create user' }).click();
  await page.getByLabel('User name').fill('frank');
  await page.getByRole('button', { name: 'Create user' }).click();
  await page.getByRole('heading', { name: 'frank' }).waitFor();

  await page.getByRole('button', { name: 'Create access key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Access key created' });
  const keyId = await dialog.locator('.access-key-id').innerText();
  assert.match(keyId, /^AKIA[A-Z0-9]{16}$/);
  assert.equal((await dialog.locator('.secret-access-key').innerText()).length, 40);
  await dialog.getByRole('button', { name: 'Done' }).click();
  assert.equal(await page.locator('.secret-access-key').count(), 0);
  await page.getByRole('button', { name: 'Deactivate' }).click();
  await page.getByText('Inactive', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Activate' }).click();
  await page.getByText('Active', { exact: true }).waitFor();

  await page.getByRole('button', { name: 'Enable console access' }).click();
  await page.getByLabel('New console password').fill('short');
  await page.getByRole('dialog').getByRole('button', { name: 'Apply' }).click();
  await errorWithCode(page.getByRole('dialog'), 'PasswordPolicyViolation').waitFor();
  await page.getByLabel('New console password').fill('Frank-pa55word!');
  await page.getByRole('dialog').getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('button', { name: 'Disable console access' }).waitFor();

  await page.getByRole('button', { name: 'Disable console access' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Disable' }).click();
  await page.getByRole('button', { name: 'Enable console access' }).waitFor();
  await page.getByRole('button', { name: 'Enable console access' }).click();
  await page.getByLabel('New console password').fill('Frank-pa55word!');
  await page.getByLabel('User must create a new password at next sign-in').check();
  await page.getByRole('dialog').getByRole('button', { name: 'Apply' }).click();
  await page.getByText('Reset required').locator('xpath=following-sibling::dd[1]')
    .getByText('Yes').waitFor();

  await page.getByRole('button', { name: 'Add user to groups' }).click();
  await page.getByRole('dialog').getByLabel('Readers').check();
  await page.getByRole('dialog').getByRole('button', { name: 'Add to groups' }).click();
  await page.getByRole('link', { name: 'Readers' }).waitFor();
  await page.getByRole('button', { name: 'Remove from Readers' }).click();
  await page.getByText('The user is in no group').waitFor();
  await page.getByRole('button', { name: 'Add user to groups' }).click();
  await page.getByRole('dialog').getByLabel('Readers').check();
  await page.getByRole('dialog').getByRole('button', { name: 'Add to groups' }).click();
  await page.getByRole('link', { name: 'Readers' }).waitFor();

  await page.getByRole('button', { name: 'Delete user' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('heading', { name: 'Users' }).waitFor();
  await page.locator('#flash').getByText('User frank deleted.').waitFor();
  const users = await root.call('iam', 'ListUsers', {});
  assert.deepEqual(users.Users.map((u) => u.UserName), ['admin']);
});

asRoot('groups: members, attached and inline policies', async (page, root) => {
  await root.call('iam', 'CreateUser', { UserName: 'gina' });
  await page.goto('/iam/groups');
  await page.getByRole('button', { name: 'Create group' }).click();
  await page.getByLabel('User group name').fill('Auditors');
  await page.getByRole('dialog').getByRole('button', { name: 'Create group' }).click();
  await page.getByRole('heading', { name: 'Auditors' }).waitFor();
  await page.getByRole('button', { name: 'Add users' }).click();
  await page.getByRole('dialog').getByLabel('gina').check();
  await page.getByRole('dialog').getByRole('button', { name: 'Add users' }).click();
  await page.getByRole('link', { name: 'gina' }).waitFor();

  await page.getByRole('button', { name: 'Attach policies' }).click();
  const attach = page.getByRole('dialog', { name: 'Attach policies' });
  await attach.getByLabel('Type').selectOption('AWS');
  await attach.getByLabel('Filter policies').fill('SecurityAudit');
  assert.equal(await attach.locator('tbody tr').count(), 1);
  await attach.getByLabel('SecurityAudit', { exact: true }).check();
  await attach.getByRole('button', { name: 'Attach policies' }).click();
  await page.getByRole('link', { name: 'SecurityAudit' }).waitFor();

  await page.getByRole('button', { name: 'Create inline policy' }).click();
  await page.getByLabel('Policy name').fill('deny-leave');
  await page.getByLabel('Policy document (JSON)').fill('{"Version":"2012-10-17","Statement":[]}');
  await page.getByRole('button', { name: 'Save policy' }).click();
  await errorWithCode(page.getByRole('dialog'), 'MalformedPolicyDocument').waitFor();
  await page.getByLabel('Policy document (JSON)').fill(JSON.stringify({ Version: '2012-10-17',
    Statement: [{ Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' }] }));
  await page.getByRole('button', { name: 'Save policy' }).click();
  await page.getByRole('cell', { name: 'deny-leave', exact: true }).waitFor();
  assert.deepEqual((await root.call('iam', 'ListGroupPolicies', { GroupName: 'Auditors' })).PolicyNames,
                   ['deny-leave']);

  await page.getByRole('button', { name: 'Detach SecurityAudit' }).click();
  await page.getByText('No attached policies').waitFor();
  await page.getByRole('button', { name: 'Delete group' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('heading', { name: 'User groups' }).waitFor();
  assert.deepEqual((await root.call('iam', 'ListGroups', {})).Groups, []);
});

asRoot('policies: the JSON editor, versions, delete', async (page, root, server) => {
  await page.goto('/iam/policies');
  await page.getByLabel('Filter by type').selectOption('AWS');
  await page.getByLabel('Search policies').fill('AdministratorAccess');
  await page.getByRole('link', { name: 'AdministratorAccess', exact: true }).click();
  await page.getByText('arn:aws:iam::aws:policy/AdministratorAccess').waitFor();
  assert.match(await page.getByLabel('Policy document').innerText(), /"Action": "\*"/);

  await page.goto('/iam/policies/create');
  await page.getByRole('tab', { name: 'JSON' }).click();
  await page.getByLabel('Policy editor', { exact: true }).fill(
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers"}]}');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Policy name').fill('ListOnly');
  await page.getByRole('button', { name: 'Create policy' }).click();
  await errorWithCode(page, 'MalformedPolicyDocument').waitFor();
  assert.match(await alertText(page), /Policy statement must contain resources\./);
  await page.getByRole('button', { name: 'Previous' }).click();
  await page.getByLabel('Policy editor', { exact: true }).fill(JSON.stringify({ Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }] }));
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Create policy' }).click();
  await page.getByRole('heading', { name: 'ListOnly' }).waitFor();
  const arn = `arn:aws:iam::${server.accountId}:policy/ListOnly`;
  assert.equal(new URL(page.url()).pathname, `/iam/policies/${arn}`);

  await page.getByRole('button', { name: 'Create new version' }).click();
  await page.getByLabel('Policy document (JSON)').fill(JSON.stringify({ Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['iam:ListUsers', 'iam:GetUser'], Resource: '*' }] }));
  await page.getByLabel('Set as default version').uncheck();
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  await page.getByRole('button', { name: 'Set v2 as default' }).click();
  await page.getByText('v2 (Default)').waitFor();
  await page.getByRole('heading', { name: 'Permissions (version v2)' }).waitFor();
  assert.match(await page.getByLabel('Policy document').innerText(), /iam:GetUser/);
  await page.getByRole('button', { name: 'Delete v1' }).click();
  await page.getByText('Policy versions (1)').waitFor();
  await page.getByRole('button', { name: 'Delete policy' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await page.locator('#flash').getByText('Policy deleted.').waitFor();
  const local = await root.call('iam', 'ListPolicies', { Scope: 'Local' });
  assert.deepEqual(local.Policies, []);
});

asRoot('account settings: password policy and alias', async (page, root, server) => {
  await page.goto('/iam/account-settings');
  await page.getByLabel('Minimum password length').fill('14');
  await page.getByLabel('Require at least one number').check();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.locator('#flash').getByText('The password policy was saved.').waitFor();
  const policy = (await root.call('iam', 'GetAccountPasswordPolicy', {})).PasswordPolicy;
  assert.equal(policy.MinimumPasswordLength, 14);
  assert.equal(policy.RequireNumbers, true);
  await page.getByRole('button', { name: 'Delete password policy' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await page.locator('#flash').getByText('default rules apply').waitFor();

  await page.getByLabel('Account alias').fill('Bad_Alias');
  await page.getByRole('button', { name: 'Create alias' }).click();
  await errorWithCode(page, 'ValidationError').waitFor();
  await page.getByLabel('Account alias').fill('acme-prod');
  await page.getByRole('button', { name: 'Create alias' }).click();
  await page.locator('#flash').getByText('The account alias is now acme-prod.').waitFor();
  await page.locator('#account-menu-button', { hasText: 'root @ acme-prod' }).waitFor();
  await page.getByRole('button', { name: 'Delete alias' }).click();
  await page.locator('#flash').getByText('The account alias was deleted.').waitFor();
  await page.locator('#account-menu-button',
                     { hasText: `root @ ${server.accountId.slice(0, 4)}-` }).waitFor();
});

asRoot('organizations: OUs and service control policies', async (page, root) => {
  await page.goto('/organizations');
  await page.getByRole('button', { name: 'Create an organization' }).click();
  await page.getByRole('button', { name: 'Create organizational unit' }).click();
  await page.getByLabel('Organizational unit name').fill('Workloads');
  await page.getByRole('dialog').getByRole('button', { name: 'Create organizational unit' }).click();
  await page.locator('.ou-row[aria-level="2"] .node-name', { hasText: 'Workloads' }).waitFor();
  await page.getByRole('button', { name: 'Create organizational unit' }).click();
  await page.getByLabel('Parent').selectOption(
    await page.getByLabel('Parent').locator('option', { hasText: 'OU Workloads' }).getAttribute('value'));
  await page.getByLabel('Organizational unit name').fill('Prod');
  await page.getByRole('dialog').getByRole('button', { name: 'Create organizational unit' }).click();
  await page.locator('.ou-row[aria-level="3"] .node-name', { hasText: 'Prod' }).waitFor();

  await page.goto('/organizations/policies');
  await page.getByRole('button', { name: 'Enable service control policies' }).click();
  await page.getByRole('button', { name: 'FullAWSAccess' }).waitFor();
  await page.getByRole('button', { name: 'Create policy' }).click();
  await page.getByLabel('Policy name').fill('DenyLeave');
  await page.getByLabel('Policy description').fill('No leaving');
  await page.getByRole('dialog').getByRole('button', { name: 'Create policy' }).click();
  await page.getByRole('button', { name: 'DenyLeave' }).click();
  await page.getByRole('button', { name: 'Attach', exact: true }).click();
  await page.getByLabel('Target').selectOption(
    await page.getByLabel('Target').locator('option', { hasText: 'OU Prod' }).getAttribute('value'));
  await page.getByRole('dialog').getByRole('button', { name: 'Attach policy' }).click();
  await page.getByRole('button', { name: 'Detach from Prod' }).click();
  await page.getByText('Not attached').waitFor();
  await page.getByRole('button', { name: 'Delete policy' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await page.locator('#flash').getByText('Policy DenyLeave deleted.').waitFor();
  const scps = await root.call('organizations', 'ListPolicies', { Filter: 'SERVICE_CONTROL_POLICY' });
  assert.deepEqual(scps.Policies.map((p) => p.Name), ['FullAWSAccess']);
});

asRoot('roles: a role trusting this account, its summary, delete', async (page, root, server) => {
  await page.goto('/iam/roles/create');
  await page.getByLabel(`This account (${server.accountId})`).check();
  await page.getByLabel('Require MFA').check();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Filter policies').fill('ReadOnlyAccess');
  await page.getByLabel('IAMReadOnlyAccess', { exact: true }).check();
  await page.getByLabel('ReadOnlyAccess', { exact: true }).check();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Role name').fill('Auditor');
  assert.deepEqual(await page.locator('.chosen-policies li').allInnerTexts(),
                   ['IAMReadOnlyAccess', 'ReadOnlyAccess']);
  await page.getByRole('button', { name: 'Create role' }).click();
  await page.getByRole('heading', { name: 'Auditor' }).waitFor();
  const trust = JSON.parse(await page.getByLabel('Trust policy').innerText());
  assert.deepEqual(trust.Statement[0].Principal, { AWS: `arn:aws:iam::${server.accountId}:root` });
  assert.deepEqual(trust.Statement[0].Condition, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } });
  await page.goto('/iam/roles');
  await page.getByLabel('Find roles by name').fill('audit');
  await page.getByRole('link', { name: 'Auditor' }).click();
  await page.getByRole('button', { name: 'Delete role' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await page.locator('#flash').getByText('Role Auditor deleted.').waitFor();
  const roles = await root.call('iam', 'ListRoles', {});
  assert.ok(!roles.Roles.some((r) => r.RoleName === 'Auditor'));
});
