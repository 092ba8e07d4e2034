// Organizations in Chromium: the tree of the root, its OUs and accounts; invitations by email,
// canceled by the management account, declined by the invited account's root user; a billing
// transfer invitation accepted by another organization's management account.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  ConsoleClient, createConsoleUser, createMemberAccount, expectHome, launchBrowser, newPage,
  ROOT_PASSWORD, rootClient, screenshot, signInAsRoot, signInAsUser, startServer,
} from './server.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('invitations by email: canceled by the sender, declined by the invited account', async () => {
  const server = await startServer();
  const mgmt = await newPage(browser, server);
  const guest = await newPage(browser, server);
  try {
    const root = await rootClient(server);
    await root.call('organizations', 'CreateOrganization', { FeatureSet: 'ALL' });
    await standaloneAccount(server, 'guest@example.com', 'Guest', 'Guest-r00t-password!');

    await signInAsRoot(mgmt, server.rootEmail, ROOT_PASSWORD);
    await expectHome(mgmt);
    const invite = async () => {
      await mgmt.goto('/organizations/add-account');
      await mgmt.getByLabel('Invite an existing AWS account').check();
      await mgmt.getByLabel('Email address', { exact: true }).check();
      await mgmt.getByLabel('Email address or account ID of the AWS account to invite')
        .fill('guest@example.com');
      await mgmt.getByLabel('Message to include in the invitation email').fill('Welcome aboard');
      await mgmt.getByRole('button', { name: 'Send invitation' }).click();
      return (await mgmt.getByText(/Invitation h-\w+ sent/).innerText()).match(/h-\w+/)[0];
    };
    const first = await invite();
    await mgmt.goto('/organizations/invitations');
    await mgmt.getByRole('button', { name: `Cancel invitation ${first}` }).click();
    await mgmt.locator('#flash').getByText('The invitation was canceled.').waitFor();
    const row = mgmt.getByRole('row', { name: new RegExp(first) });
    assert.equal(await row.locator('.handshake-state').innerText(), 'Canceled');

    const second = await invite();
    await signInAsRoot(guest, 'guest@example.com', 'Guest-r00t-password!');
    await expectHome(guest);
    await guest.goto('/organizations/invitations');
    const offered = guest.getByRole('row', { name: new RegExp(second) });
    await offered.getByRole('button', { name: 'Decline' }).click();
    await guest.locator('#flash').getByText('The invitation was declined.').waitFor();
    assert.equal(await guest.getByRole('row', { name: new RegExp(second) })
      .locator('.handshake-state').innerText(), 'Declined');
    await guest.goto('/organizations');
    await guest.getByRole('button', { name: 'Create an organization' }).waitFor();
    for (const p of [mgmt, guest]) assert.deepEqual(p.errors, []);
  } finally {
    for (const p of [mgmt, guest]) await p.context().close();
    await server.stop();
  }
});

test('a billing transfer invitation: shown as one, from its sender, and accepted', async () => {
  const server = await startServer(['--max-inbound-transfers', '1']);
  const guest = await newPage(browser, server);
  try {
    const root = await rootClient(server);
    await root.call('organizations', 'CreateOrganization', { FeatureSet: 'ALL' });
    const guestId = await standaloneAccount(server, 'payee@example.com', 'Payee',
      'Payee-r00t-password!');
    await signInAsRoot(guest, 'payee@example.com', 'Payee-r00t-password!');
    await expectHome(guest);
    await guest.goto('/organizations');
    await guest.getByRole('button', { name: 'Create an organization' }).click();
    await guest.locator('#flash').getByText('The organization was created.').waitFor();

    // The first of the month after next, in epoch seconds.
    const now = new Date();
    const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 1) / 1000;
    const sent = await root.call('organizations', 'InviteOrganizationToTransferResponsibility', {
      Type: 'BILLING', Target: { Id: guestId, Type: 'ACCOUNT' }, StartTimestamp: start,
      SourceName: 'Paid centrally' });
    const id = sent.Handshake.Id;
    await guest.goto('/organizations/invitations');
    const offered = guest.getByRole('row', { name: new RegExp(id) });
    assert.match(await offered.innerText(), /Billing transfer/);
    assert.match(await offered.innerText(), new RegExp(server.rootEmail.replace('.', '\\.')));
    await offered.getByRole('button', { name: 'Accept' }).click();
    await guest.locator('#flash').getByText('You accepted the billing transfer.').waitFor();
    const transfer = sent.Handshake.Resources[0].Value;
    const described = await root.call('organizations', 'DescribeResponsibilityTransfer',
      { Id: transfer });
    assert.equal(described.ResponsibilityTransfer.Status, 'ACCEPTED');
    assert.deepEqual(guest.errors, []);
  } finally {
    await guest.context().close();
    await server.stop();
  }
});

// A standalone account made with `gatehouse account create`, its root password set through the
// one-time link; its id.
async function standaloneAccount(server, email, name, password) {
  const out = await server.gatehouse('account', 'create', '--data', server.dataDir,
    '--email', email, '--name', name, '--no-admin-user');
  const token = /reset-password\?token=(\S+)/.exec(out)[1];
  const reset = await new ConsoleClient(server.endpoint).request('POST', '/console/reset-password',
    { token, password }, { csrf: false });
  assert.equal(reset.status, 200);
  return /^account: (\d{12})$/m.exec(out)[1];
}

// [aria-level, name] of every row of the tree, top to bottom.
function treeRows(page) {
  return page.locator('.org-tree tbody tr').evaluateAll((rows) => rows.map((r) =>
    [Number(r.getAttribute('aria-level')), r.querySelector('.node-name').textContent]));
}

test('the organization tree: OUs nested under the root, accounts under their OU; Move', async () => {
  const server = await startServer();
  const page = await newPage(browser, server);
  try {
    const root = await rootClient(server);
    await root.call('organizations', 'CreateOrganization', { FeatureSet: 'ALL' });
    const rootId = (await root.call('organizations', 'ListRoots')).Roots[0].Id;
    const eng = (await root.call('organizations', 'CreateOrganizationalUnit',
      { ParentId: rootId, Name: 'Engineering' })).OrganizationalUnit.Id;
    const platform = (await root.call('organizations', 'CreateOrganizationalUnit',
      { ParentId: eng, Name: 'Platform' })).OrganizationalUnit.Id;
    const research = await createMemberAccount(root, 'Research', 'research@example.com');
    await createMemberAccount(root, 'Billing', 'billing@example.com');
    await root.call('organizations', 'MoveAccount',
      { AccountId: research, SourceParentId: rootId, DestinationParentId: platform });

    await signInAsRoot(page, server.rootEmail, ROOT_PASSWORD);
    await expectHome(page);
    await page.goto('/organizations');
    await page.locator(`.org-tree tr[data-account-id="${research}"]`).waitFor();
    const rows = await treeRows(page);
    const mgmtName = (await root.call('organizations', 'DescribeAccount',
      { AccountId: server.accountId })).Account.Name;
    // Depth first: an OU's own OUs and accounts follow it, one level deeper.
    assert.deepEqual(rows, [[1, 'Root'], [2, 'Engineering'], [3, 'Platform'], [4, 'Research'],
      ...[[2, 'Billing'], [2, mgmtName]].sort((a, b) => a[1].localeCompare(b[1]))]);

    const row = page.locator(`tr[data-account-id="${research}"]`);
    assert.equal(await row.locator('.account-id').innerText(), research);
    assert.equal(await row.locator('.account-email').innerText(), 'research@example.com');
    assert.equal(await row.locator('.account-status').innerText(), 'Active');
    assert.equal(await row.locator('.account-joined').innerText(), 'Created');
    assert.equal(await row.locator('.account-joined-date').innerText(),
                 new Date().toISOString().slice(0, 10));
    const mgmt = page.locator(`tr[data-account-id="${server.accountId}"]`);
    assert.match(await mgmt.innerText(), /management account/);
    // One column each: every account's email (and status) starts at the same x.
    for (const cls of ['.account-email', '.account-status', '.account-joined']) {
      const xs = await page.locator(`.org-tree ${cls}`).evaluateAll(
        (els) => els.map((e) => Math.round(e.closest('td').getBoundingClientRect().left)));
      assert.equal(xs.length, 3);
      assert.equal(new Set(xs).size, 1, `${cls} not aligned: ${xs}`);
    }
    // The name column shows the nesting: deeper rows start further right.
    const indent = await page.locator('.org-tree .node-name').evaluateAll(
      (els) => els.map((e) => Math.round(e.getBoundingClientRect().left)));
    assert.ok(indent[0] < indent[1] && indent[1] < indent[2] && indent[2] < indent[3],
              `not indented: ${indent}`);
    await screenshot(page, 'organization-tree');

    // Move an account to another OU, as AWS's console does: Billing goes under Engineering.
    await page.getByRole('button', { name: 'Move Billing' }).click();
    const dialog = page.getByRole('dialog', { name: 'Move AWS account Billing' });
    const destination = dialog.getByLabel('Destination');
    await destination.selectOption(
      await destination.locator('option', { hasText: 'OU Engineering' }).getAttribute('value'));
    await dialog.getByRole('button', { name: 'Move AWS account' }).click();
    await page.locator('#flash').getByText('Billing moved to OU Engineering').waitFor();
    const moved = await treeRows(page);
    assert.deepEqual(moved.slice(0, 5),
                     [[1, 'Root'], [2, 'Engineering'], [3, 'Platform'], [4, 'Research'], [3, 'Billing']]);
    const parents = await root.call('organizations', 'ListParents',
      { ChildId: (await root.call('organizations', 'ListAccountsForParent', { ParentId: eng }))
        .Accounts[0].Id });
    assert.equal(parents.Parents[0].Id, eng);
    assert.deepEqual(page.errors, []);
  } finally {
    await page.context().close();
    await server.stop();
  }
});

test('root access management: the features, then audit, allow recovery and delete a member root password', async () => {
  const server = await startServer();
  const page = await newPage(browser, server);
  try {
    const root = await rootClient(server);
    await root.call('organizations', 'CreateOrganization', { FeatureSet: 'ALL' });
    await createConsoleUser(root, 'operator', 'Operator-Pa55word!',
      { policies: ['arn:aws:iam::aws:policy/AdministratorAccess'] });
    await signInAsUser(page, server.accountId, 'operator', 'Operator-Pa55word!');
    await expectHome(page);
    await page.goto('/organizations/root-access');
    await page.getByRole('button', { name: 'Enable trusted access for IAM' }).click();
    await page.getByRole('button', { name: 'Enable Root credentials management' }).click();
    await page.getByRole('button', { name: 'Disable Root credentials management' }).waitFor();
    const member = await createMemberAccount(root, 'Sealed', 'sealed@example.com');
    await page.reload();

    const rootPassword = page.locator('dl.summary dd').first();
    await page.getByRole('button', { name: 'Audit the root user of Sealed' }).click();
    await page.getByRole('heading', { name: 'Root user credentials of Sealed' }).waitFor();
    assert.equal(await rootPassword.innerText(), 'Not present');

    await page.getByRole('button', { name: 'Allow password recovery for Sealed' }).click();
    await page.locator('#flash').getByText('The root user of Sealed may now recover its password.')
      .waitFor();
    await page.getByRole('button', { name: 'Audit the root user of Sealed' }).click();
    await page.locator('dl.summary dd', { hasText: 'Present' }).first().waitFor();
    assert.equal(await rootPassword.innerText(), 'Present');
    await screenshot(page, 'organizations-root-access');

    await page.getByRole('button', { name: 'Delete root password of Sealed' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.locator('#flash').getByText('The root user password of Sealed was deleted.').waitFor();
    const reset = await server.gatehouse('account', 'root-reset-link', '--data', server.dataDir,
      '--email', 'sealed@example.com').catch((e) => e);
    assert.ok(reset instanceof Error, `a reset link was issued: ${reset}`);
    assert.match(String(member), /^\d{12}$/);
    assert.deepEqual(page.errors, []);
  } finally {
    await page.context().close();
    await server.stop();
  }
});
