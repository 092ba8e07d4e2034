// Organizations invitations in Chromium: by email, canceled by the management account,
// declined by the invited account's root user.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  ConsoleClient, expectHome, launchBrowser, newPage, ROOT_PASSWORD, rootClient, signInAsRoot,
  startServer,
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
    const out = await server.gatehouse('account', 'create', '--data', server.dataDir,
      '--email', 'guest@example.com', '--name', 'Guest', '--no-admin-user');
    const token = /reset-password\?token=(\S+)/.exec(out)[1];
    const reset = await new ConsoleClient(server.endpoint).request('POST', '/console/reset-password',
      { token, password: 'Guest-r00t-password!' }, { csrf: false });
    assert.equal(reset.status, 200);

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
