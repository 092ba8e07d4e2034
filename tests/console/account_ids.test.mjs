// Account ids as the console shows them (1234-5678-9012) are taken wherever an id is typed, as
// AWS takes them; after switching role the account menu and the bar name the role's account;
// the role's display color is optional.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  ConsoleClient, createConsoleUser, createMemberAccount, expectHome, launchBrowser, newPage, openAccountMenu,
  rootClient, screenshot, signInAsUser, startServer, switchBack,
} from './server.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const hyphenated = (id) => `${id.slice(0, 4)}-${id.slice(4, 8)}-${id.slice(8)}`;

test('hyphenated account ids at sign-in and in Switch role; the menu names the role account',
  async () => {
    const server = await startServer();
    const page = await newPage(browser, server);
    try {
      const root = await rootClient(server);
      await root.call('organizations', 'CreateOrganization', { FeatureSet: 'ALL' });
      const memberId = await createMemberAccount(root);
      await createConsoleUser(root, 'alice', 'Alice-pa55word!', {
        policies: ['arn:aws:iam::aws:policy/AdministratorAccess'] });

      // The console API takes the hyphenated form too.
      const api = new ConsoleClient(server.endpoint);
      assert.deepEqual(await api.signIn({ account: hyphenated(server.accountId), userName: 'alice',
                                          password: 'Alice-pa55word!' }), { signedIn: true });
      const switched = await api.request('POST', '/console/switch-role', {
        account: hyphenated(memberId), roleName: 'OrganizationAccountAccessRole' });
      assert.equal(switched.status, 200, switched.text);
      assert.equal(switched.body.role.accountId, memberId);
      // Acting in the member account through the console API: its alias.
      await api.call('iam', 'CreateAccountAlias', { AccountAlias: 'research-lab' });

      // The sign-in page, with the id as the menu shows it.
      await signInAsUser(page, hyphenated(server.accountId), 'alice', 'Alice-pa55word!');
      await expectHome(page);
      await openAccountMenu(page);
      assert.equal(await page.locator('.menu-account-id').innerText(),
                   hyphenated(server.accountId));

      // Switch role with the hyphenated member id.
      await page.goto('/switchrole');
      await page.getByLabel('Account ID or alias').fill(` ${hyphenated(memberId)} `);
      await page.getByLabel('IAM role name').fill('OrganizationAccountAccessRole');
      await page.getByLabel('Display name').fill('Research admin');
      await page.getByLabel('Green', { exact: true }).check();
      await page.getByRole('button', { name: 'Switch Role' }).click();
      await expectHome(page);
      assert.equal(await page.locator('.account-id').innerText(), memberId);
      assert.equal(await page.locator('#page dt', { hasText: /^Account alias$/ })
        .locator('xpath=following-sibling::dd[1]').innerText(), 'research-lab');
      const bar = page.locator('#account-menu-button');
      assert.equal(await bar.innerText(), `Research admin @ ${hyphenated(memberId)}`);
      await openAccountMenu(page);
      assert.equal(await page.locator('.menu-account-id').innerText(), hyphenated(memberId));
      assert.equal(await page.locator('.menu-role-name').innerText(),
                   'OrganizationAccountAccessRole');
      assert.equal(await page.locator('.menu-user').innerText(), 'alice');
      assert.equal(await page.locator('.menu-signed-in-account').innerText(),
                   hyphenated(server.accountId));
      assert.equal(await page.locator('.menu-account-alias').innerText(), 'research-lab');
      await screenshot(page, 'switched-role-menu');

      // Back: the menu names alice's own account again; the history keeps the hyphens.
      await switchBack(page, 'alice');
      await openAccountMenu(page);
      assert.equal(await page.locator('.menu-account-id').innerText(),
                   hyphenated(server.accountId));
      assert.equal(await page.locator('.menu-account-alias').count(), 0);
      await page.getByRole('button', { name: `Research admin @ ${hyphenated(memberId)}` }).waitFor();

      // The color is optional, as in AWS: none is chosen unless asked for.
      await page.goto(`/switchrole?account=${hyphenated(memberId)}` +
                      '&roleName=OrganizationAccountAccessRole');
      assert.equal(await page.getByLabel('None', { exact: true }).isChecked(), true);
      assert.equal(await page.locator('input[name="switch-color"]:checked').count(), 1);
      await page.getByRole('button', { name: 'Switch Role' }).click();
      await expectHome(page);
      assert.equal(await bar.innerText(), `OrganizationAccountAccessRole @ ${hyphenated(memberId)}`);
      assert.equal(await bar.getAttribute('data-role-color'), null);
      assert.doesNotMatch(await bar.getAttribute('class'), /role-color/);
      assert.equal(await bar.evaluate((el) => getComputedStyle(el).backgroundColor),
                   'rgba(0, 0, 0, 0)');
      await screenshot(page.locator('#topbar'), 'switched-role-no-color');
      const none = await api.request('POST', '/console/switch-role', {
        account: memberId, roleName: 'OrganizationAccountAccessRole', color: '' });
      assert.equal(none.status, 200, none.text);
      assert.equal(none.body.role.color, '');
      const bad = await api.request('POST', '/console/switch-role', {
        account: memberId, roleName: 'OrganizationAccountAccessRole', color: 'purple' });
      assert.equal(bad.status, 403);
      assert.deepEqual(page.errors, []);
    } finally {
      await page.context().close();
      await server.stop();
    }
  });
