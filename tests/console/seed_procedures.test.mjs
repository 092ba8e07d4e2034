// The AWS Organizations guide's console procedures, in Chromium, on one fresh server:
// the management account creates an organization, creates one member account and invites
// another; the invited account's root user takes over its account through the reset link,
// accepts, and creates the administrator role trusting the management account with the Create
// role wizard (and variants requiring MFA or an external ID); the management account creates
// the policy allowing sts:AssumeRole on those roles with the visual editor, a group with the
// policy attached and a user in the group; the user switches role through the role summary's
// link, acts in the member account, switches back and has only its own permissions again.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  alertText, completeMfaAssignment, errorWithCode, expectHome, launchBrowser, newPage, openAccountMenu,
  ROOT_PASSWORD, rootClient, screenshot, signInAsRoot, signInAsUser, startServer, switchBack,
} from './server.mjs';
import { currentStep, settledStep, totp } from './totp.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const GREEN = 'rgb(29, 129, 2)';
const hyphenated = (id) => `${id.slice(0, 4)}-${id.slice(4, 8)}-${id.slice(8)}`;

async function createRoleWithWizard(page, { trustedAccount, roleName, requireMfa = false,
  externalId, policy = 'AdministratorAccess' }) {
  await page.goto('/iam/roles');
  await page.getByRole('link', { name: 'Create role' }).click();
  await page.getByRole('heading', { name: 'Create role' }).waitFor();
  await page.getByLabel('AWS account', { exact: true }).check();
  await page.getByLabel('Another AWS account').check();
  await page.getByLabel('Account ID', { exact: true }).fill(trustedAccount);
  if (externalId) {
    await page.getByLabel(/Require external ID/).check();
    await page.getByLabel('External ID', { exact: true }).fill(externalId);
  }
  if (requireMfa) await page.getByLabel('Require MFA').check();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('heading', { name: 'Add permissions' }).waitFor();
  await page.getByLabel('Filter policies').fill(policy);
  await page.getByLabel(policy, { exact: true }).check();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Role name').fill(roleName);
  await page.getByLabel('Description').fill(`Administrator access for ${trustedAccount}`);
  const trust = JSON.parse(await page.getByLabel('Trust policy').innerText());
  const statement = trust.Statement[0];
  assert.deepEqual(statement.Principal, { AWS: `arn:aws:iam::${trustedAccount}:root` });
  assert.equal(statement.Action, 'sts:AssumeRole');
  if (requireMfa) assert.deepEqual(statement.Condition.Bool, { 'aws:MultiFactorAuthPresent': 'true' });
  if (externalId) assert.deepEqual(statement.Condition.StringEquals, { 'sts:ExternalId': externalId });
  await page.getByRole('button', { name: 'Create role' }).click();
  await page.getByRole('heading', { name: roleName }).waitFor();
}

async function switchRoleForm(page, link, { displayName, color }) {
  await page.goto(link);
  await page.getByRole('heading', { name: 'Switch Role' }).waitFor();
  if (displayName !== undefined) await page.getByLabel('Display name').fill(displayName);
  if (color) await page.getByLabel(color, { exact: true }).check();
  await page.getByRole('button', { name: 'Switch Role' }).click();
}

test("the seed's procedures: member accounts, the administrator role, switch role", async () => {
  const server = await startServer();
  const mgmt = await newPage(browser, server);
  const member = await newPage(browser, server);
  const alice = await newPage(browser, server);
  try {
    await rootClient(server);
    const managementId = server.accountId;

    // The management account's root user creates the organization and a member account.
    await signInAsRoot(mgmt, server.rootEmail, ROOT_PASSWORD);
    await expectHome(mgmt);
    await mgmt.getByRole('link', { name: 'Organizations', exact: true }).click();
    await mgmt.getByRole('button', { name: 'Create an organization' }).click();
    await mgmt.getByText('Organizational structure').waitFor();
    await mgmt.getByRole('link', { name: 'Add an AWS account' }).first().click();
    await mgmt.getByLabel('AWS account name').fill('Research');
    await mgmt.getByLabel("Email address of the account's owner").fill('research@example.com');
    assert.equal(await mgmt.getByLabel('IAM role name').inputValue(), 'OrganizationAccountAccessRole');
    await mgmt.getByRole('button', { name: 'Create AWS account' }).click();
    const createdId = (await mgmt.locator('.created-account-id').innerText({ timeout: 60000 })).trim();
    assert.match(createdId, /^\d{12}$/);

    // Another account, standalone, is invited by its id.
    const created = await server.gatehouse('account', 'create', '--data', server.dataDir,
      '--email', 'invited@example.com', '--name', 'Invited', '--no-admin-user');
    const invitedId = /^account: (\d{12})$/m.exec(created)[1];
    const resetLink = /(https?:\/\/\S+\/reset-password\?token=\S+)/.exec(created)[1];
    await mgmt.goto('/organizations/add-account');
    await mgmt.getByLabel('Invite an existing AWS account').check();
    await mgmt.getByLabel('AWS account ID', { exact: true }).check();
    await mgmt.getByLabel('Email address or account ID of the AWS account to invite').fill(invitedId);
    await mgmt.getByRole('button', { name: 'Send invitation' }).click();
    await mgmt.getByText(/Invitation h-\w+ sent/).waitFor();
    await mgmt.goto('/organizations/invitations');
    await mgmt.getByRole('cell', { name: invitedId }).waitFor();

    // The invited account's root user sets a password through the link, signs in, accepts.
    const resetPath = new URL(resetLink).pathname + new URL(resetLink).search;
    await member.goto(resetPath);
    await member.getByLabel('New password', { exact: true }).fill('Invited-r00t-password!');
    await member.getByLabel('Confirm new password').fill('Invited-r00t-password!');
    await member.getByRole('button', { name: 'Reset password' }).click();
    await member.getByText(`account ${invitedId} is set`).waitFor();
    await signInAsRoot(member, 'invited@example.com', 'Invited-r00t-password!');
    await expectHome(member);
    await member.goto('/organizations/invitations');
    await member.getByRole('button', { name: 'Accept' }).click();
    await member.locator('#flash').getByText('You joined the organization.').waitFor();

    // The tree shows both members: one created, one invited.
    await mgmt.goto('/organizations');
    const createdNode = mgmt.locator(`[data-account-id="${createdId}"]`);
    assert.equal(await createdNode.locator('.account-joined').innerText(), 'Created');
    assert.equal(await createdNode.locator('.account-status').innerText(), 'Active');
    assert.equal(await createdNode.locator('.account-email').innerText(), 'research@example.com');
    const invitedNode = mgmt.locator(`[data-account-id="${invitedId}"]`);
    assert.equal(await invitedNode.locator('.account-joined').innerText(), 'Invited');

    // In the invited account: the administrator role trusting the management account, and
    // variants requiring MFA or an external ID.
    await createRoleWithWizard(member, { trustedAccount: managementId,
                                         roleName: 'OrganizationAccountAccessRole' });
    const roleArn = await member.locator('.role-arn').innerText();
    assert.equal(roleArn, `arn:aws:iam::${invitedId}:role/OrganizationAccountAccessRole`);
    assert.match(await member.getByLabel('Trust policy').innerText(),
                 new RegExp(`arn:aws:iam::${managementId}:root`));
    await member.getByRole('cell', { name: 'AdministratorAccess', exact: true }).waitFor();
    const switchLink = await member.locator('.switch-role-link a').getAttribute('href');
    assert.equal(switchLink, `${server.endpoint}/switchrole?account=${invitedId}` +
                 '&roleName=OrganizationAccountAccessRole&displayName=OrganizationAccountAccessRole');
    await screenshot(member, 'role-summary');
    await createRoleWithWizard(member, { trustedAccount: managementId, roleName: 'MfaAdmin',
                                         requireMfa: true });
    await createRoleWithWizard(member, { trustedAccount: managementId, roleName: 'PartnerAdmin',
                                         externalId: 'partner-7' });

    // In the management account: the policy, by the visual editor.
    await mgmt.goto('/iam/policies');
    await mgmt.getByRole('link', { name: 'Create policy' }).click();
    await mgmt.getByLabel('Service', { exact: true }).selectOption('sts');
    await mgmt.getByLabel('Filter actions').fill('AssumeRole');
    await mgmt.getByLabel('AssumeRole', { exact: true }).check();
    await mgmt.getByLabel('Specific', { exact: true }).check();
    const roles = [[createdId, 'OrganizationAccountAccessRole'],
                   [invitedId, 'OrganizationAccountAccessRole'], [invitedId, 'MfaAdmin'],
                   [invitedId, 'PartnerAdmin']];
    for (const [account, role] of roles) {
      await mgmt.getByRole('button', { name: 'Add ARN' }).click();
      const dialog = mgmt.getByRole('dialog', { name: 'Add ARN' });
      await dialog.getByLabel('Account', { exact: true }).fill(account);
      await dialog.getByLabel('Role name with path').fill(role);
      await dialog.getByRole('button', { name: 'Add ARNs' }).click();
      await dialog.waitFor({ state: 'detached' });
    }
    await mgmt.getByRole('tab', { name: 'JSON' }).click();
    const document = JSON.parse(await mgmt.getByLabel('Policy editor', { exact: true }).inputValue());
    assert.deepEqual(document.Statement, [{
      Effect: 'Allow', Action: 'sts:AssumeRole',
      Resource: roles.map(([a, r]) => `arn:aws:iam::${a}:role/${r}`) }]);
    await mgmt.getByRole('tab', { name: 'Visual' }).click();
    await mgmt.getByRole('button', { name: 'Next' }).click();
    await mgmt.getByLabel('Policy name').fill('AssumeMemberAdmin');
    await mgmt.getByRole('button', { name: 'Create policy' }).click();
    await mgmt.getByRole('heading', { name: 'AssumeMemberAdmin' }).waitFor();

    // A group with the policy attached, a user in the group with a console password.
    await mgmt.goto('/iam/groups');
    await mgmt.getByRole('button', { name: 'Create group' }).click();
    await mgmt.getByLabel('User group name').fill('MemberAdmins');
    await mgmt.getByRole('dialog').getByRole('button', { name: 'Create group' }).click();
    await mgmt.getByRole('heading', { name: 'MemberAdmins' }).waitFor();
    await mgmt.getByRole('button', { name: 'Attach policies' }).click();
    const attach = mgmt.getByRole('dialog', { name: 'Attach policies' });
    await attach.getByLabel('Filter policies').fill('AssumeMember');
    await attach.getByLabel('AssumeMemberAdmin', { exact: true }).check();
    await attach.getByRole('button', { name: 'Attach policies' }).click();
    await mgmt.getByRole('link', { name: 'AssumeMemberAdmin' }).waitFor();
    await mgmt.goto('/iam/users/create');
    await mgmt.getByLabel('User name').fill('alice');
    await mgmt.getByLabel('Provide user access to the console').check();
    await mgmt.getByLabel('Console password').fill('Alice-pa55word!');
    await mgmt.getByLabel('Users must create a new password at next sign-in').uncheck();
    await mgmt.getByLabel('MemberAdmins').check();
    await mgmt.getByRole('button', { name: 'Create user' }).click();
    await mgmt.getByRole('heading', { name: 'alice' }).waitFor();
    await mgmt.getByRole('link', { name: 'MemberAdmins' }).waitFor();

    // Alice signs in and switches role through the link of the role summary.
    await signInAsUser(alice, managementId, 'alice', 'Alice-pa55word!');
    await expectHome(alice);
    await alice.goto('/iam/users');
    await errorWithCode(alice.locator('#alert'), 'AccessDenied').waitFor();
    await switchRoleForm(alice, switchLink, { displayName: 'Invited admin', color: 'Green' });
    await expectHome(alice);
    const nav = alice.locator('#account-menu-button');
    assert.equal(await nav.innerText(), `Invited admin @ ${hyphenated(invitedId)}`);
    assert.equal(await nav.evaluate((el) => getComputedStyle(el).backgroundColor), GREEN);
    assert.equal(await alice.locator('.account-id').innerText(), invitedId);
    assert.match(await alice.locator('.principal-arn').innerText(),
                 new RegExp(`^arn:aws:sts::${invitedId}:assumed-role/OrganizationAccountAccessRole/alice$`));
    await screenshot(alice.locator('#topbar'), 'switched-role-navbar');
    await screenshot(alice, 'switched-role-home');
    // Acting in the member account with the role's permissions.
    await alice.goto('/iam/roles');
    await alice.getByRole('link', { name: 'MfaAdmin' }).waitFor();
    await alice.goto('/iam/users/create');
    await alice.getByLabel('User name').fill('made-by-role');
    await alice.getByRole('button', { name: 'Create user' }).click();
    await alice.getByRole('heading', { name: 'made-by-role' }).waitFor();
    assert.match(await alice.locator('.arn').first().innerText(), new RegExp(`::${invitedId}:user/`));

    // Back to alice: her own permissions apply again.
    await openAccountMenu(alice);
    await switchBack(alice, 'alice');
    assert.equal(await alice.locator('.account-id').innerText(), managementId);
    assert.match(await nav.innerText(), /^alice @ /);
    await alice.goto('/iam/users');
    await errorWithCode(alice.locator('#alert'), 'AccessDenied').waitFor();

    // The role history switches in one click.
    await openAccountMenu(alice);
    await alice.getByRole('button', { name: `Invited admin @ ${hyphenated(invitedId)}` }).click();
    await alice.locator('#account-menu-button', { hasText: 'Invited admin @ ' }).waitFor();
    await expectHome(alice);
    assert.equal(await alice.locator('.account-id').innerText(), invitedId);
    await openAccountMenu(alice);
    await switchBack(alice, 'alice');

    // The created account's role, made by Organizations, works the same way.
    await switchRoleForm(alice, `/switchrole?account=${createdId}&roleName=OrganizationAccountAccessRole`,
                         { displayName: '', color: 'Blue' });
    await expectHome(alice);
    assert.equal(await alice.locator('.account-id').innerText(), createdId);
    await openAccountMenu(alice);
    await switchBack(alice, 'alice');

    // A role requiring an external ID cannot be switched to; one requiring MFA only with MFA.
    const refusal = 'Invalid information in one or more fields. Check your information or ' +
      'contact your administrator.';
    await switchRoleForm(alice, `/switchrole?account=${invitedId}&roleName=PartnerAdmin`, {});
    // Next to the form, in the console's words, without the API's error code.
    await alice.locator('form .form-alert').getByText(refusal).waitFor();
    assert.doesNotMatch(await alertText(alice), /InvalidSwitchRole/);
    await switchRoleForm(alice, `/switchrole?account=${invitedId}&roleName=MfaAdmin`, {});
    await alice.locator('form .form-alert').getByText(refusal).waitFor();

    await mgmt.goto('/iam/users/alice');
    await mgmt.getByRole('button', { name: 'Assign MFA device' }).click();
    const seed = await completeMfaAssignment(mgmt, { totp, settledStep });
    await openAccountMenu(alice);
    await alice.getByRole('button', { name: 'Sign out' }).click();
    await signInAsUser(alice, managementId, 'alice', 'Alice-pa55word!');
    await alice.getByLabel('MFA code').fill(totp(seed, currentStep() + 1));
    await alice.getByRole('button', { name: 'Submit' }).click();
    await expectHome(alice);
    await switchRoleForm(alice, `/switchrole?account=${invitedId}&roleName=MfaAdmin`,
                         { displayName: 'With MFA', color: 'Red' });
    await expectHome(alice);
    assert.equal(await alice.locator('.account-id').innerText(), invitedId);

    // The switched navigation bar and the role's pages fit a phone screen.
    await alice.setViewportSize({ width: 390, height: 844 });
    for (const path of ['/', '/iam/roles/MfaAdmin', '/switchrole']) {
      await alice.goto(path);
      await alice.locator('h1').first().waitFor();
      const [scroll, width] = await alice.evaluate(
        () => [document.documentElement.scrollWidth, window.innerWidth]);
      assert.ok(scroll <= width, `${path} scrolls horizontally on a phone`);
    }
    await screenshot(alice, 'switched-role-mobile');

    for (const p of [mgmt, member, alice]) assert.deepEqual(p.errors, []);
  } finally {
    for (const p of [mgmt, member, alice]) await p.context().close();
    await server.stop();
  }
});
