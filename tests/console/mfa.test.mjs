// MFA in the console: the root user assigns a virtual device on its security credentials page
// (QR code, secret on demand, two consecutive codes) and signs in with a TOTP code after that.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  alertText, completeMfaAssignment, errorWithCode, expectHome, launchBrowser, newPage, ROOT_PASSWORD,
  rootClient, screenshot, signInAsRoot, signInAsUser, createConsoleUser, startServer,
} from './server.mjs';
import { currentStep, settledStep, totp } from './totp.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('the root user enrolls a virtual MFA device and signs in with a code', async () => {
  const server = await startServer();
  const page = await newPage(browser, server);
  try {
    await rootClient(server);
    await signInAsRoot(page, server.rootEmail, ROOT_PASSWORD);
    await expectHome(page);
    await page.getByRole('link', { name: 'Security credentials' }).first().click();
    await page.getByRole('heading', { name: 'My security credentials' }).waitFor();
    await page.getByRole('button', { name: 'Assign MFA device' }).click();
    // Wrong codes are refused with the server's message, and the dialog stays.
    const dialog = page.getByRole('dialog', { name: 'Assign MFA device' });
    await dialog.getByRole('button', { name: 'Next' }).click();
    await dialog.getByRole('button', { name: 'Show secret key' }).click();
    await dialog.getByLabel('MFA code 1').fill('000000');
    await dialog.getByLabel('MFA code 2').fill('000001');
    await dialog.getByRole('button', { name: 'Add MFA' }).click();
    await errorWithCode(dialog, 'InvalidAuthenticationCode').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('button', { name: 'Assign MFA device' }).click();
    const seed = await completeMfaAssignment(page, { totp, settledStep });
    await page.getByRole('cell', { name: /mfa\// }).waitFor();
    // Home tells the device (assigned now) apart from this session (signed in without MFA).
    await page.goto('/');
    await expectHome(page);
    assert.equal(await page.locator('.mfa-assigned').innerText(), 'Yes');
    assert.equal(await page.locator('.session-mfa').innerText(), 'No');
    assert.equal(await page.locator('dt', { hasText: /^Root user MFA device$/ }).count(), 1);
    await screenshot(page, 'home-mfa-assigned');

    await page.locator('#account-menu-button').click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInAsRoot(page, server.rootEmail, ROOT_PASSWORD);
    await page.getByLabel('MFA code').waitFor();
    await page.getByLabel('MFA code').fill('000000');
    await page.getByRole('button', { name: 'Submit' }).click();
    await errorWithCode(page, 'SignInFailed').waitFor();
    // A wrong code spends the sign-in's challenge unless the server hands out another one:
    // then the password comes first again.
    if (!(await page.getByLabel('MFA code').isVisible())) {
      await page.getByLabel('Password', { exact: true }).fill(ROOT_PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    }
    // The code after the two used to enable the device (each code works once).
    await page.getByLabel('MFA code').fill(totp(seed, currentStep() + 1));
    await page.getByRole('button', { name: 'Submit' }).click();
    await expectHome(page);
    assert.equal(await page.locator('dt', { hasText: /^Signed in with MFA$/ })
      .locator('xpath=following-sibling::dd[1]').innerText(), 'Yes');
    assert.equal(await page.locator('.mfa-assigned').innerText(), 'Yes');

    // The root user removes its device; the next sign-in asks for no code.
    await page.goto('/iam/security-credentials');
    await page.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await page.getByText('No MFA devices assigned').waitFor();
    await page.locator('#account-menu-button').click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInAsRoot(page, server.rootEmail, ROOT_PASSWORD);
    await expectHome(page);
    assert.equal(await page.locator('.mfa-assigned').innerText(), 'No');
    assert.equal(await page.locator('.session-mfa').innerText(), 'No');
    assert.deepEqual(page.errors, []);
  } finally {
    await page.context().close();
    await server.stop();
  }
});

test('an administrator assigns an MFA device to a user, who then signs in with it', async () => {
  const server = await startServer();
  const page = await newPage(browser, server);
  try {
    const root = await rootClient(server);
    await createConsoleUser(root, 'erin', 'Erin-pa55word!');
    await signInAsRoot(page, server.rootEmail, ROOT_PASSWORD);
    await expectHome(page);
    await page.goto('/iam/users/erin');
    await page.getByRole('button', { name: 'Assign MFA device' }).click();
    const seed = await completeMfaAssignment(page, { totp, settledStep });
    const context2 = await browser.newContext({ baseURL: server.endpoint });
    const erin = await context2.newPage();
    await signInAsUser(erin, server.accountId, 'erin', 'Erin-pa55word!');
    await erin.getByLabel('MFA code').fill(totp(seed, currentStep() + 1));
    await erin.getByRole('button', { name: 'Submit' }).click();
    await expectHome(erin);
    assert.doesNotMatch(await alertText(erin), /\S/);
    await context2.close();
  } finally {
    await page.context().close();
    await server.stop();
  }
});
