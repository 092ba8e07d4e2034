// Every console page, as the root user of a fresh server with an organization, at desktop and
// phone sizes: each form control has a label, nothing scrolls the page sideways, no script
// error or CSP refusal.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  expectHome, launchBrowser, newPage, ROOT_PASSWORD, rootClient, signInAsRoot, startServer,
} from './server.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const PAGES = [
  '/', '/iam', '/iam/users', '/iam/users/create', '/iam/users/admin', '/iam/groups',
  '/iam/groups/Team', '/iam/roles', '/iam/roles/create', '/iam/roles/Reader', '/iam/policies',
  '/iam/policies/create', '/iam/policies/arn:aws:iam::aws:policy/ReadOnlyAccess',
  '/iam/account-settings', '/iam/security-credentials', '/organizations',
  '/organizations/add-account', '/organizations/invitations', '/organizations/policies',
  '/organizations/root-access',
  '/iam/roles/Reader/inline-policies/create', '/switchrole?account=123456789012&roleName=Reader',
];

test('every page: labelled controls, no sideways scrolling, no script errors', async () => {
  const server = await startServer();
  const page = await newPage(browser, server);
  try {
    const root = await rootClient(server);
    await root.call('organizations', 'CreateOrganization', { FeatureSet: 'ALL' });
    await root.call('iam', 'CreateGroup', { GroupName: 'Team' });
    await root.call('iam', 'CreateRole', { RoleName: 'Reader', AssumeRolePolicyDocument:
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole',
        Principal: { AWS: `arn:aws:iam::${server.accountId}:root` } }] }) });
    await signInAsRoot(page, server.rootEmail, ROOT_PASSWORD);
    await expectHome(page);
    for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      await page.setViewportSize(viewport);
      for (const path of PAGES) {
        await page.goto(path);
        await page.locator('#page h1').first().waitFor();
        await page.waitForLoadState('networkidle');
        const where = `${path} at ${viewport.width}px`;
        assert.equal(await page.locator('.alert.error').count(), 0,
                     `${where}: ${(await page.locator('.alert.error').allInnerTexts()).join()}`);
        const unlabelled = await page.evaluate(() => [...document.querySelectorAll(
          'input:not([type="hidden"]), select, textarea')]
          .filter((el) => el.labels.length === 0 && !el.getAttribute('aria-label'))
          .map((el) => el.outerHTML));
        assert.deepEqual(unlabelled, [], `${where}: controls without a label`);
        const [scroll, width] = await page.evaluate(
          () => [document.documentElement.scrollWidth, window.innerWidth]);
        assert.ok(scroll <= width, `${where} scrolls sideways (${scroll} > ${width})`);
      }
    }
    assert.deepEqual(page.errors, []);
  } finally {
    await page.context().close();
    await server.stop();
  }
});
