// The console's SAML sign-in in Chromium: an identity provider's page (another origin, on its
// own port) posts a signed response to /saml; AWS's "Select a role" page lists the two roles it
// names; the user signs in to one, sees it in the navigation bar, switches to a third role and
// back. Responses are signed by tests/integration/saml_idp.py (xmlsec1).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import {
  expectHome, launchBrowser, newPage, openAccountMenu, rootClient, screenshot, startServer, switchBack,
} from './server.mjs';

const IDP = join(dirname(fileURLToPath(import.meta.url)), '..', 'integration', 'saml_idp.py');
const keyDir = mkdtempSync(join(tmpdir(), 'gatehouse-idp-'));
const idp = (...args) => execFileSync('python3', [IDP, keyDir, ...args]).toString().trim();

function escapeHtml(s) {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

// The identity provider's page: a form that posts `response` to the console's /saml, as an
// IdP's page does (without its script: the test clicks the button).
async function startIdpPage(endpoint, response) {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(`<!DOCTYPE html><title>Corp IdP</title><form method="post" action="${endpoint}/saml">` +
      `<input type="hidden" name="SAMLResponse" value="${escapeHtml(response)}">` +
      '<button type="submit">Continue to AWS</button></form>');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://localhost:${server.address().port}/`, close: () => server.close() };
}

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('SAML sign-in: the role chooser, the federated session, switch role and back', async () => {
  const server = await startServer();
  const page = await newPage(browser, server);
  let idpPage;
  try {
    const root = await rootClient(server);
    const account = server.accountId;
    const provider = (await root.call('iam', 'CreateSAMLProvider', {
      Name: 'Corp', SAMLMetadataDocument: idp('metadata') })).SAMLProviderArn;
    const trust = (principal, action) => JSON.stringify({ Version: '2012-10-17', Statement: [
      { Effect: 'Allow', Principal: principal, Action: action }] });
    for (const name of ['Engineers', 'Auditors']) {
      await root.call('iam', 'CreateRole', { RoleName: name,
        AssumeRolePolicyDocument: trust({ Federated: provider }, 'sts:AssumeRoleWithSAML') });
    }
    await root.call('iam', 'AttachRolePolicy', { RoleName: 'Engineers',
      PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
    await root.call('iam', 'CreateRole', { RoleName: 'Deployers', AssumeRolePolicyDocument:
      trust({ AWS: `arn:aws:iam::${account}:role/Engineers` }, 'sts:AssumeRole') });

    const response = idp('response', 'dana',
      `arn:aws:iam::${account}:role/Engineers,${provider}`,
      `arn:aws:iam::${account}:role/Auditors,${provider}`);
    idpPage = await startIdpPage(server.endpoint, response);
    await page.goto(idpPage.url);
    await page.getByRole('button', { name: 'Continue to AWS' }).click();

    // AWS's chooser: the account, a radio button per role.
    await page.getByText('Select a role:').waitFor();
    await page.getByText(`Account: ${account}`).waitFor();
    await screenshot(page, 'saml-select-a-role');
    await page.getByLabel('Engineers', { exact: true }).check();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectHome(page);
    const bar = page.locator('#account-menu-button');
    assert.match(await bar.innerText(), /Engineers\/dana/);
    assert.equal(await page.locator('#page dt', { hasText: /^Federated user$/ })
      .locator('xpath=following-sibling::dd[1]').innerText(), 'Engineers/dana');
    await screenshot(page, 'saml-signed-in');

    // Switch role from the federated session (role chaining), then back.
    await page.goto('/switchrole');
    await page.getByLabel('Account ID or alias').fill(account);
    await page.getByLabel('IAM role name').fill('Deployers');
    await page.getByLabel('Display name').fill('Deploy');
    await page.getByRole('button', { name: 'Switch Role' }).click();
    await expectHome(page);
    assert.match(await bar.innerText(), /^Deploy @ /);
    await openAccountMenu(page);
    await screenshot(page, 'saml-switched-role');
    await switchBack(page, 'Engineers/dana');
    assert.match(await bar.innerText(), /Engineers\/dana/);

    // The same response again signs no one in, and offers no role.
    const again = await newPage(browser, server);
    try {
      await again.goto(idpPage.url);
      await again.getByRole('button', { name: 'Continue to AWS' }).click();
      await again.getByText('Your request included an invalid SAML response.').waitFor();
      await again.getByText('already been used').waitFor();
      assert.deepEqual(again.errors, []);
    } finally {
      await again.context().close();
    }
    assert.deepEqual(page.errors, []);
  } finally {
    idpPage?.close();
    await page.context().close();
    await server.stop();
  }
});
