// The console's sign-in in Chromium: root password recovery through the mail, IAM users by
// account alias, a forced new password, keyboard only, the phone layout, CSRF and throttling.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  ConsoleClient, ROOT_PASSWORD, alertText, createConsoleUser, errorWithCode, expectHome,
  launchBrowser, newPage, rootClient, screenshot, signInAsRoot, signInAsUser, startServer,
  waitForMail,
} from './server.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

// Runs body(server, page) against a fresh server and a fresh browser context.
function withServer(name, body, { viewport, args } = {}) {
  test(name, async () => {
    const server = await startServer(args);
    const page = await newPage(browser, server, viewport);
    try {
      await body(server, page);
      assert.deepEqual(page.errors, []);
    } finally {
      await page.context().close();
      await server.stop();
    }
  });
}

withServer('root password recovery through the mailed link, then root sign-in', async (server, page) => {
  await page.goto('/signin');
  await page.getByLabel('Account ID (12 digits) or account alias').waitFor();
  await screenshot(page, 'signin');
  await page.getByRole('link', { name: 'Sign in using root user email' }).click();
  await page.getByLabel('Root user email address').fill(server.rootEmail);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await assert.equal(await page.getByLabel('Email address').inputValue(), server.rootEmail);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await page.getByText('a message with a link').waitFor();
  // No SMTP server is configured: the page says where the mail waits.
  assert.match(await page.locator('.outbox-notice').innerText(), /no SMTP server.*DATA\/outbox\//s);
  await screenshot(page, 'check-your-email');

  const [link] = await waitForMail(server, /https?:\/\/\S+\/reset-password\?token=[A-Za-z0-9_%.~-]+/);
  await page.goto(link);
  await page.getByLabel('New password', { exact: true }).fill('N3w-root-password!');
  await page.getByLabel('Confirm new password').fill('N3w-root-password!');
  await page.getByRole('button', { name: 'Reset password' }).click();
  await page.getByText(`account ${server.accountId} is set`).waitFor();

  // The link works once.
  await page.goto(link);
  await page.getByLabel('New password', { exact: true }).fill('An0ther-password!');
  await page.getByLabel('Confirm new password').fill('An0ther-password!');
  await page.getByRole('button', { name: 'Reset password' }).click();
  // The page says so next to its form, turns the form off and offers a new link.
  const form = page.locator('form');
  await form.locator('.form-alert').getByText(
    'This password reset link has expired or was already used.').waitFor();
  assert.doesNotMatch(await alertText(page), /InvalidInput/);
  assert.equal(await page.getByRole('button', { name: 'Reset password' }).isDisabled(), true);
  assert.equal(await page.getByLabel('New password', { exact: true }).isDisabled(), true);
  await screenshot(page, 'reset-link-spent');
  await page.getByRole('link', { name: 'Request a new password reset link' }).click();
  await page.getByRole('heading', { name: 'Password recovery' }).waitFor();
  await page.getByRole('button', { name: 'Send reset link' }).waitFor();

  await signInAsRoot(page, server.rootEmail, 'N3w-root-password!');
  await expectHome(page);
  assert.equal(await page.locator('.principal-arn').innerText(), `arn:aws:iam::${server.accountId}:root`);

  // Sign out: the pages ask for a sign-in again.
  await page.locator('#account-menu-button').click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('IAM user name').waitFor();
  await page.goto('/iam/users');
  await page.waitForURL(/\/signin\?redirect=/);
});

withServer('an IAM user signs in with the account alias and lands where it was going', async (server, page) => {
  const root = await rootClient(server);
  await root.call('iam', 'CreateAccountAlias', { AccountAlias: 'acme-dev' });
  await createConsoleUser(root, 'alice', 'Alice-pa55word!', {
    policies: ['arn:aws:iam::aws:policy/IAMReadOnlyAccess'] });
  await page.goto('/iam/users');
  await page.waitForURL(/\/signin\?redirect=%2Fiam%2Fusers/);
  await page.getByLabel('Account ID (12 digits) or account alias').fill('acme-dev');
  await page.getByLabel('IAM user name').fill('alice');
  await page.getByLabel('Password', { exact: true }).fill('wrong-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  // In the sign-in card, in AWS's words, without the API's code; the password field is emptied.
  await page.locator('.signin-card .form-alert').getByText(
    'Your authentication information is incorrect. Please try again.').waitFor();
  assert.doesNotMatch(await alertText(page), /SignInFailed/);
  assert.equal(await page.locator('#alert .alert').count(), 0);
  assert.equal(await page.getByLabel('Password', { exact: true }).inputValue(), '');
  assert.equal(await page.getByLabel('IAM user name').inputValue(), 'alice');
  await screenshot(page, 'signin-failed');
  await page.getByLabel('Password', { exact: true }).fill('Alice-pa55word!');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Users' }).waitFor();
  await page.getByRole('link', { name: 'alice', exact: true }).waitFor();
  assert.match(await page.locator('#account-menu-button').innerText(), /alice @ acme-dev/);
  await page.goto('/');
  assert.equal(await page.locator('.principal-arn').innerText(),
               `arn:aws:iam::${server.accountId}:user/alice`);
});

withServer('a user whose password must be reset chooses a new one at sign-in', async (server, page) => {
  const root = await rootClient(server);
  await createConsoleUser(root, 'bob', 'Temp-pa55word!', { resetRequired: true });
  await signInAsUser(page, server.accountId, 'bob', 'Temp-pa55word!');
  await page.getByRole('heading', { name: 'Change your password' }).waitFor();
  await page.getByLabel('New password', { exact: true }).fill('short');
  await page.getByLabel('Retype new password').fill('short');
  await page.getByRole('button', { name: 'Confirm password change' }).click();
  await errorWithCode(page.locator('.signin-card'), 'PasswordPolicyViolation').waitFor();
  await page.getByLabel('New password', { exact: true }).fill('Bobs-new-Pa55word!');
  await page.getByLabel('Retype new password').fill('Bobs-new-Pa55word!');
  await page.getByRole('button', { name: 'Confirm password change' }).click();
  await expectHome(page);
  // The old password no longer works; the new one does, without the extra step.
  const c = new ConsoleClient(server.endpoint);
  const old = await c.request('POST', '/console/signin',
    { account: server.accountId, userName: 'bob', password: 'Temp-pa55word!' }, { csrf: false });
  assert.equal(old.status, 401);
  assert.deepEqual(await c.signIn({ account: server.accountId, userName: 'bob',
                                    password: 'Bobs-new-Pa55word!' }), { signedIn: true });
});

withServer('sign-in with the keyboard only', async (server, page) => {
  const root = await rootClient(server);
  await createConsoleUser(root, 'kay', 'Kay-pa55word!');
  await page.goto('/signin');
  await page.getByLabel('Account ID (12 digits) or account alias').waitFor();
  // The first field has the focus; Tab walks the form; Enter submits.
  await page.keyboard.type(server.accountId);
  await page.keyboard.press('Tab');
  await page.keyboard.type('kay');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Kay-pa55word!');
  const focused = await page.evaluate(() => document.activeElement.id);
  assert.equal(focused, 'signin-password');
  await page.keyboard.press('Enter');
  await expectHome(page);
  // Tab reaches the account menu, whose focus is visible; Enter opens it, Escape closes it.
  for (let i = 0; i < 12; i++) {
    if (await page.evaluate(() => document.activeElement?.id) === 'account-menu-button') break;
    await page.keyboard.press('Tab');
  }
  const button = page.locator('#account-menu-button');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'account-menu-button');
  assert.notEqual(await button.evaluate((el) => getComputedStyle(el).outlineStyle), 'none');
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.keyboard.press('Escape');
  assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0);
});

withServer('the sign-in page fits a phone screen', async (server, page) => {
  await page.goto('/signin');
  await page.getByLabel('IAM user name').waitFor();
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(widths[0] <= widths[1], `page scrolls horizontally: ${widths}`);
  await screenshot(page, 'signin-mobile');
  // The inputs fill the width without overflowing it.
  const box = await page.getByLabel('IAM user name').boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 390);
}, { viewport: { width: 390, height: 844 } });

withServer('a console API request without the CSRF token is refused', async (server, page) => {
  const root = await rootClient(server);
  const withToken = await root.request('POST', '/console/api/iam/ListUsers', {});
  assert.equal(withToken.status, 200);
  const without = await root.request('POST', '/console/api/iam/ListUsers', {}, { csrf: false });
  assert.equal(without.status, 403);
  assert.equal(without.body.error.code, 'InvalidCsrfToken');
  // The same from the browser's own cookie jar.
  await createConsoleUser(root, 'carol', 'Carol-pa55word!', {
    policies: ['arn:aws:iam::aws:policy/IAMFullAccess'] });
  await signInAsUser(page, server.accountId, 'carol', 'Carol-pa55word!');
  await expectHome(page);
  const forged = await page.request.post('/console/api/iam/CreateUser', {
    data: { UserName: 'mallory' }, headers: { 'Content-Type': 'application/json' } });
  assert.equal(forged.status(), 403);
  assert.equal((await forged.json()).error.code, 'InvalidCsrfToken');
  const users = await root.call('iam', 'ListUsers', {});
  assert.ok(!users.Users.some((u) => u.UserName === 'mallory'));
});

withServer('repeated wrong passwords are throttled, even the right one for a while', async (server, page) => {
  const root = await rootClient(server);
  await createConsoleUser(root, 'dave', 'Dave-pa55word!');
  await page.goto('/signin');
  await page.getByLabel('Account ID (12 digits) or account alias').fill(server.accountId);
  await page.getByLabel('IAM user name').fill('dave');
  let throttled = false;
  for (let i = 0; i < 30 && !throttled; i++) {
    await page.getByLabel('Password', { exact: true }).fill(`wrong-${i}`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const error = page.locator('.signin-card .alert.error');
    await error.waitFor();
    throttled = (await error.getAttribute('data-code')) === 'Throttling';
    if (!throttled) assert.match(await error.innerText(), /authentication information is incorrect/);
  }
  assert.ok(throttled, 'no throttling after 30 failures');
  assert.match(await alertText(page), /Too many sign-in attempts\. Wait a few minutes and try again\./);
  await page.getByLabel('Password', { exact: true }).fill('Dave-pa55word!');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.locator('.signin-card .form-alert').getByText('Too many sign-in attempts').waitFor();
  assert.equal(await page.getByRole('heading', { name: 'Console Home' }).count(), 0);
});

withServer('sign-up creates a standalone account whose root user signs in', async (server, page) => {
  await page.goto('/signin');
  await page.getByRole('link', { name: 'Create a new AWS account' }).click();
  await page.getByLabel('Root user email address').fill('founder@example.com');
  await page.getByLabel('AWS account name').fill('Startup');
  await page.getByLabel('Root user password', { exact: true }).fill('F0under-password!');
  await page.getByLabel('Confirm root user password').fill('F0under-password!');
  await page.getByRole('button', { name: 'Create account' }).click();
  const accountId = (await page.locator('.sent strong').innerText()).trim();
  assert.match(accountId, /^\d{12}$/);
  assert.notEqual(accountId, server.accountId);
  // The same email again is refused with the server's words.
  await page.goto('/signup');
  await page.getByLabel('Root user email address').fill('founder@example.com');
  await page.getByLabel('AWS account name').fill('Again');
  await page.getByLabel('Root user password', { exact: true }).fill('F0under-password!');
  await page.getByLabel('Confirm root user password').fill('F0under-password!');
  await page.getByRole('button', { name: 'Create account' }).click();
  await errorWithCode(page.locator('.signin-card'), 'EntityAlreadyExists').waitFor();

  await signInAsRoot(page, 'founder@example.com', 'F0under-password!');
  await expectHome(page);
  assert.equal(await page.locator('.account-id').innerText(), accountId);
});

withServer('sign-up can be turned off', async (server, page) => {
  await page.goto('/signup');
  await page.getByText('Sign-up is disabled on this server.').waitFor();
  assert.equal(await page.getByRole('link', { name: 'Create a new AWS account' }).count(), 0);
  const c = new ConsoleClient(server.endpoint);
  const r = await c.request('POST', '/console/signup',
    { email: 'x@example.com', accountName: 'x', password: 'Xx-pa55word!' }, { csrf: false });
  assert.equal(r.status, 403);
  assert.equal(r.body.error.code, 'SignupDisabled');
}, { args: ['--console-signup=false'] });

withServer('a user changes its own password on its security credentials page', async (server, page) => {
  const root = await rootClient(server);
  await createConsoleUser(root, 'hank', 'Hank-pa55word!', {
    policies: ['arn:aws:iam::aws:policy/IAMUserChangePassword'] });
  await signInAsUser(page, server.accountId, 'hank', 'Hank-pa55word!');
  await expectHome(page);
  await page.locator('#account-menu-button').click();
  await page.getByRole('link', { name: 'Security credentials' }).first().click();
  await page.getByLabel('Current password').fill('not-my-password');
  await page.getByLabel('New password', { exact: true }).fill('Hank-new-pa55word!');
  await page.getByLabel('Confirm new password').fill('Hank-new-pa55word!');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.locator('form .form-alert').getByText('The old password was incorrect.').waitFor();
  await page.getByLabel('Current password').fill('Hank-pa55word!');
  await page.getByLabel('New password', { exact: true }).fill('Hank-new-pa55word!');
  await page.getByLabel('Confirm new password').fill('Hank-new-pa55word!');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.locator('#flash').getByText('Your password was changed.').waitFor();
  const c = new ConsoleClient(server.endpoint);
  assert.deepEqual(await c.signIn({ account: server.accountId, userName: 'hank',
                                    password: 'Hank-new-pa55word!' }), { signedIn: true });
});

withServer('the root user changes its password; its other console sessions end', async (server, page) => {
  const other = await rootClient(server);  // another session of the root user
  assert.equal((await other.request('POST', '/console/api/iam/ListUsers', {})).status, 200);
  await signInAsRoot(page, server.rootEmail, ROOT_PASSWORD);
  await expectHome(page);
  await page.goto('/iam/security-credentials');
  const form = page.locator('form', { has: page.getByLabel('Current password') });
  await page.getByLabel('Current password').fill('not-the-password');
  await page.getByLabel('New password', { exact: true }).fill('R00t-changed-password!');
  await page.getByLabel('Confirm new password').fill('R00t-changed-password!');
  await page.getByRole('button', { name: 'Change password' }).click();
  await form.locator('.form-alert').getByText('The current password is incorrect.').waitFor();
  // The rules of root passwords apply.
  await page.getByLabel('Current password').fill(ROOT_PASSWORD);
  await page.getByLabel('New password', { exact: true }).fill('short');
  await page.getByLabel('Confirm new password').fill('short');
  await page.getByRole('button', { name: 'Change password' }).click();
  await errorWithCode(form, 'PasswordPolicyViolation').waitFor();
  await page.getByLabel('Current password').fill(ROOT_PASSWORD);
  await page.getByLabel('New password', { exact: true }).fill('R00t-changed-password!');
  await page.getByLabel('Confirm new password').fill('R00t-changed-password!');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.locator('#flash').getByText('Your password was changed.').waitFor();
  await screenshot(page, 'root-password-changed');

  // This session goes on; the other one has ended; only the new password signs in.
  await page.goto('/');
  await expectHome(page);
  assert.equal((await other.request('POST', '/console/api/iam/ListUsers', {})).status, 401);
  const c = new ConsoleClient(server.endpoint);
  const old = await c.request('POST', '/console/signin',
    { email: server.rootEmail, password: ROOT_PASSWORD }, { csrf: false });
  assert.equal(old.status, 401);
  assert.deepEqual(await c.signIn({ email: server.rootEmail, password: 'R00t-changed-password!' }),
                   { signedIn: true });
  // An IAM user cannot use the root user's endpoint.
  await createConsoleUser(c, 'ivy', 'Ivy-pa55word!');
  const ivy = new ConsoleClient(server.endpoint);
  await ivy.signIn({ account: server.accountId, userName: 'ivy', password: 'Ivy-pa55word!' });
  const refused = await ivy.request('POST', '/console/root-password',
    { currentPassword: 'R00t-changed-password!', newPassword: 'Ivy-owns-r00t-now!' });
  assert.equal(refused.status, 403);
});
