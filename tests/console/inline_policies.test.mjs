// The policy editor's statements and inline policies in Chromium: a managed policy of two
// statements made with the visual editor; a user's and a role's inline policies created,
// opened again in the editor, changed and deleted (Put/Get/Delete User/RolePolicy).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  expectHome, launchBrowser, newPage, ROOT_PASSWORD, rootClient, screenshot, signInAsRoot,
  startServer,
  rootTest,
} from './server.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const asRoot = rootTest(() => browser);

// Fills statement n of the visual editor: a service, actions, and all resources.
async function fillStatement(page, n, { service, actions, effect }) {
  const st = page.getByRole('group', { name: `Statement ${n}` });
  await st.getByLabel('Service', { exact: true }).selectOption(service);
  if (effect) await st.getByLabel(effect, { exact: true }).check();
  for (const a of actions) {
    await st.getByLabel('Filter actions').fill(a);
    await st.getByLabel(a, { exact: true }).check();
  }
}

const decode = (doc) => JSON.parse(decodeURIComponent(doc));

asRoot('the visual editor makes a policy of several statements', async (page, root, server) => {
  await page.goto('/iam/policies/create');
  await fillStatement(page, 1, { service: 'sts', actions: ['AssumeRole'] });
  const first = page.getByRole('group', { name: 'Statement 1' });
  await first.getByLabel('Specific', { exact: true }).check();
  await first.getByRole('button', { name: 'Add ARN' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add ARN' });
  await dialog.getByLabel('Account', { exact: true }).fill(server.accountId);
  await dialog.getByLabel('Role name with path').fill('Auditor');
  await dialog.getByRole('button', { name: 'Add ARNs' }).click();
  await page.getByRole('button', { name: 'Add more permissions' }).click();
  await fillStatement(page, 2, { service: 'iam', actions: ['ListUsers', 'GetUser'] });
  await page.getByRole('button', { name: 'Add more permissions' }).click();
  await fillStatement(page, 3, { service: 'organizations', actions: ['LeaveOrganization'],
                                 effect: 'Deny' });
  await screenshot(page, 'policy-editor-statements');
  const expected = [
    { Effect: 'Allow', Action: 'sts:AssumeRole',
      Resource: `arn:aws:iam::${server.accountId}:role/Auditor` },
    { Effect: 'Allow', Action: ['iam:GetUser', 'iam:ListUsers'], Resource: '*' },
    { Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' },
  ];
  await page.getByRole('tab', { name: 'JSON' }).click();
  const json = JSON.parse(await page.getByLabel('Policy editor', { exact: true }).inputValue());
  assert.deepEqual(json.Statement, expected);
  // Back to the visual editor, a statement removed.
  await page.getByRole('tab', { name: 'Visual' }).click();
  assert.equal(await page.getByRole('group', { name: /^Statement \d$/ }).count(), 3);
  await page.getByRole('button', { name: 'Remove statement 3' }).click();
  assert.equal(await page.getByRole('group', { name: /^Statement \d$/ }).count(), 2);
  // A statement left incomplete is named.
  await page.getByRole('button', { name: 'Add more permissions' }).click();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.locator('.alert.error').getByText('Statement 3: Choose a service.').waitFor();
  await page.getByRole('button', { name: 'Remove statement 3' }).click();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Policy name').fill('TwoStatements');
  await page.getByRole('button', { name: 'Create policy' }).click();
  await page.getByRole('heading', { name: 'TwoStatements' }).waitFor();
  const arn = `arn:aws:iam::${server.accountId}:policy/TwoStatements`;
  const version = await root.call('iam', 'GetPolicyVersion', { PolicyArn: arn, VersionId: 'v1' });
  assert.deepEqual(decode(version.PolicyVersion.Document).Statement, expected.slice(0, 2));
});

asRoot("a user's inline policy: create, edit in the visual editor, delete", async (page, root) => {
  await root.call('iam', 'CreateUser', { UserName: 'bob' });
  await page.goto('/iam/users/bob');
  await page.getByRole('link', { name: 'Create inline policy' }).click();
  await page.getByRole('heading', { name: 'Create inline policy' }).waitFor();
  await fillStatement(page, 1, { service: 'iam', actions: ['GetUser'] });
  await page.getByLabel('Policy name').fill('read-self');
  await page.getByRole('button', { name: 'Create policy' }).click();
  await page.getByRole('heading', { name: 'bob', exact: true }).waitFor();
  await page.locator('#flash').getByText('Policy read-self saved.').waitFor();
  let doc = decode((await root.call('iam', 'GetUserPolicy',
    { UserName: 'bob', PolicyName: 'read-self' })).PolicyDocument);
  assert.deepEqual(doc.Statement, [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }]);

  // Opened again, the policy shows in the visual editor; a second statement is added.
  await page.getByRole('link', { name: 'Edit read-self' }).click();
  await page.getByRole('heading', { name: 'Edit read-self' }).waitFor();
  const st1 = page.getByRole('group', { name: 'Statement 1' });
  assert.equal(await st1.getByLabel('Service', { exact: true }).inputValue(), 'iam');
  assert.equal(await st1.getByLabel('GetUser', { exact: true }).isChecked(), true);
  await page.getByRole('button', { name: 'Add more permissions' }).click();
  await fillStatement(page, 2, { service: 'organizations', actions: ['DescribeOrganization'] });
  await screenshot(page, 'inline-policy-edit');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.locator('#flash').getByText('Policy read-self saved.').waitFor();
  doc = decode((await root.call('iam', 'GetUserPolicy',
    { UserName: 'bob', PolicyName: 'read-self' })).PolicyDocument);
  assert.deepEqual(doc.Statement.map((s) => s.Action),
                   ['iam:GetUser', 'organizations:DescribeOrganization']);

  await page.getByRole('button', { name: 'Delete read-self' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await page.locator('#flash').getByText('Policy read-self deleted.').waitFor();
  assert.deepEqual((await root.call('iam', 'ListUserPolicies', { UserName: 'bob' })).PolicyNames, []);
});

asRoot("a role's inline policy: JSON the visual editor cannot show, edited and deleted",
  async (page, root, server) => {
    await root.call('iam', 'CreateRole', { RoleName: 'Worker', AssumeRolePolicyDocument:
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole',
        Principal: { AWS: `arn:aws:iam::${server.accountId}:root` } }] }) });
    await page.goto('/iam/roles/Worker');
    await page.getByRole('link', { name: 'Create inline policy' }).click();
    await page.getByRole('tab', { name: 'JSON' }).click();
    const conditional = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListRoles',
      Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }] };
    await page.getByLabel('Policy editor', { exact: true }).fill(JSON.stringify(conditional));
    await page.getByLabel('Policy name').fill('list-roles');
    await page.getByRole('button', { name: 'Create policy' }).click();
    await page.locator('#flash').getByText('Policy list-roles saved.').waitFor();
    await page.getByRole('cell', { name: 'list-roles', exact: true }).waitFor();

    // A condition keeps it in the JSON editor; the change is saved as written.
    await page.getByRole('link', { name: 'Edit list-roles' }).click();
    const editor = page.getByLabel('Policy editor', { exact: true });
    await editor.waitFor();
    assert.deepEqual(JSON.parse(await editor.inputValue()), conditional);
    conditional.Statement[0].Action = ['iam:ListRoles', 'iam:GetRole'];
    await editor.fill(JSON.stringify(conditional));
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('#flash').getByText('Policy list-roles saved.').waitFor();
    const doc = decode((await root.call('iam', 'GetRolePolicy',
      { RoleName: 'Worker', PolicyName: 'list-roles' })).PolicyDocument);
    assert.deepEqual(doc, conditional);

    await page.getByRole('button', { name: 'Delete list-roles' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.locator('#flash').getByText('Policy list-roles deleted.').waitFor();
    assert.deepEqual((await root.call('iam', 'ListRolePolicies', { RoleName: 'Worker' })).PolicyNames,
                     []);
  });
