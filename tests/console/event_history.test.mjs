// CloudTrail's Event history in Chromium: an administrator signs in twice (so the home page has
// a previous sign-in to show), makes a change, filters the history by event name and by user
// name, opens an event's record, and pages on with "Load more events".
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  createConsoleUser, expectHome, launchBrowser, newPage, rootClient, screenshot, signInAsUser,
  startServer,
} from './server.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';

test('Event history: filters, an event\'s record, more pages, and the last sign-in', async () => {
  const server = await startServer();
  const page = await newPage(browser, server);
  try {
    const root = await rootClient(server);
    await createConsoleUser(root, 'auditor', 'Aud1tor-pa55word!', { policies: [ADMIN] });
    for (let i = 0; i < 55; i++) {
      await root.call('iam', 'CreateGroup', { GroupName: `team-${i}` });
    }
    await signInAsUser(page, server.accountId, 'auditor', 'Aud1tor-pa55word!');
    await expectHome(page);
    // The first sign-in has none before it.
    await page.locator('.last-sign-in').getByText('None recorded before this one').waitFor();
    await page.context().clearCookies();
    await signInAsUser(page, server.accountId, 'auditor', 'Aud1tor-pa55word!');
    await expectHome(page);
    await page.locator('.last-sign-in').getByText(/UTC from 127\.0\.0\.1/).waitFor();

    await page.locator('nav.services').getByRole('link', { name: 'CloudTrail' }).click();
    await page.getByRole('heading', { name: 'Event history' }).waitFor();
    await page.locator('table tbody tr').first().waitFor();
    await page.getByLabel('Lookup attribute').selectOption('EventName');
    await page.getByLabel('Attribute value').fill('CreateGroup');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('button', { name: 'Load more events' }).waitFor();
    assert.equal(await page.locator('table tbody tr').count(), 50);
    await page.getByRole('button', { name: 'Load more events' }).click();
    await page.waitForFunction(() => document.querySelectorAll('table tbody tr').length === 55);
    assert.equal(await page.getByRole('button', { name: 'Load more events' }).count(), 0);
    await screenshot(page, 'event-history');

    await page.getByLabel('Lookup attribute').selectOption('Username');
    await page.getByLabel('Attribute value').fill('auditor');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.locator('table tbody tr .event-name', { hasText: 'ConsoleLogin' }).first().click();
    const record = JSON.parse(await page.getByLabel('Event record').innerText());
    assert.equal(record.eventName, 'ConsoleLogin');
    assert.equal(record.eventType, 'AwsConsoleSignIn');
    assert.equal(record.userIdentity.userName, 'auditor');
    assert.deepEqual(record.responseElements, { ConsoleLogin: 'Success' });
    await screenshot(page, 'event-record');
    assert.deepEqual(page.errors, []);
  } finally {
    await page.context().close();
    await server.stop();
  }
});
