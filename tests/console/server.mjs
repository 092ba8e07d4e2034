// Test support: a fresh `gatehouse serve` on its own data directory, a console client for
// set-up steps (the same endpoints the pages use), the outbox of mails, and Chromium driven by
// playwright-core.
// GATEHOUSE_BIN points at the binary (ctest sets it).
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { chromium } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
const BIN = process.env.GATEHOUSE_BIN ??
  join(HERE, '..', '..', 'build', 'gatehouse');
export const ARTIFACTS = join(HERE, 'artifacts');

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function parseIni(text) {
  const sections = {};
  let current = null;
  for (const line of text.split('\n')) {
    const header = /^\[(.+)\]\s*$/.exec(line);
    if (header) {
      current = sections[header[1]] = {};
    } else if (current && line.includes('=')) {
      const [k, ...v] = line.split('=');
      current[k.trim()] = v.join('=').trim();
    }
  }
  return sections;
}

// Starts `gatehouse serve` on a fresh data directory. Returns {endpoint, dataDir, accountId,
// rootEmail, rootResetToken, adminKey, stop(), gatehouse(...args), latestMail()}.
export async function startServer(extraArgs = []) {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-console-'));
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const proc = spawn(BIN, ['serve', '--listen', `127.0.0.1:${port}`, '--data', dataDir,
                           ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => { stdout += d; });
  proc.stderr.on('data', (d) => { stderr += d; });
  const deadline = Date.now() + 30000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`gatehouse exited: ${stderr}`);
    try {
      const r = await fetch(`${endpoint}/healthz`);
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('gatehouse did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  const accountId = /management account (\d{12})/.exec(stdout)?.[1];
  const rootEmail = /take over the root user \(([^)]+)\)/.exec(stdout)?.[1];
  const rootResetToken = /\/reset-password\?token=(\S+)/.exec(stdout)?.[1];
  assert.ok(accountId && rootEmail && rootResetToken, 'bootstrap output not understood');
  const creds = parseIni(readFileSync(join(dataDir, 'aws', 'credentials'), 'utf8')).gatehouse;
  const server = {
    endpoint, dataDir, accountId, rootEmail, rootResetToken,
    adminKey: { accessKeyId: creds.aws_access_key_id, secretAccessKey: creds.aws_secret_access_key },
    log: () => stdout + stderr,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
    // Runs the gatehouse command line against this server's data directory.
    async gatehouse(...args) {
      const { stdout: out } = await promisify(execFile)(BIN, args, { timeout: 60000 });
      return out;
    },
    // The newest mail of DATA/outbox/ as text (quoted-printable decoded), or null.
    latestMail() {
      const dir = join(dataDir, 'outbox');
      let files;
      try {
        files = readdirSync(dir).filter((f) => f.endsWith('.eml') && !f.startsWith('.'));
      } catch {
        return null;
      }
      if (!files.length) return null;
      files.sort((a, b) => statSync(join(dir, a)).mtimeMs - statSync(join(dir, b)).mtimeMs ||
                           a.localeCompare(b));
      return decodeMail(readFileSync(join(dir, files[files.length - 1]), 'utf8'));
    },
  };
  return server;
}

function decodeMail(text) {
  if (!/quoted-printable/i.test(text)) return text;
  return text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi,
    (_, hex) => String.fromCharCode(parseInt(hex, 16)));
}

// Waits for a mail whose text matches re; returns the match.
export async function waitForMail(server, re, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mail = server.latestMail();
    const m = mail && re.exec(mail);
    if (m) return m;
    if (Date.now() > deadline) throw new Error(`no mail matching ${re}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// A console client speaking the pages' endpoints from node: for set-up steps and for requests
// a browser would not send (no CSRF header).
export class ConsoleClient {
  constructor(endpoint) {
    this.endpoint = endpoint;
    this.cookie = null;
    this.csrf = null;
  }

  async request(method, path, body, { csrf = true } = {}) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.cookie) headers.Cookie = this.cookie;
    if (csrf && this.csrf) headers['X-CSRF-Token'] = this.csrf;
    const r = await fetch(this.endpoint + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual' });
    for (const c of r.headers.getSetCookie?.() ?? []) {
      const m = /^gatehouse-session=([^;]*)/.exec(c);
      if (m) this.cookie = m[1] ? `gatehouse-session=${m[1]}` : null;
    }
    const text = await r.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: r.status, body: json, text };
  }

  async session() {
    const r = await this.request('GET', '/console/session');
    this.csrf = r.body?.csrfToken ?? null;
    return r.body;
  }

  async signIn(body) {
    const r = await this.request('POST', '/console/signin', body, { csrf: false });
    assert.equal(r.status, 200, `sign-in: ${r.text}`);
    if (r.body.signedIn) await this.session();
    return r.body;
  }

  // An AWS operation through /console/api; throws on error.
  async call(service, operation, input = {}) {
    const r = await this.request('POST', `/console/api/${service}/${operation}`, input);
    if (r.status !== 200) {
      const err = new Error(`${service}:${operation} → ${r.status} ${r.text}`);
      err.code = r.body?.error?.code;
      throw err;
    }
    return r.body;
  }
}

export const ROOT_PASSWORD = 'Root-Pa55word-for-tests!';

// Sets the root user's password with the bootstrap token and signs in as root from node.
export async function rootClient(server) {
  const c = new ConsoleClient(server.endpoint);
  if (!server.rootPasswordSet) {
    const r = await c.request('POST', '/console/reset-password',
      { token: server.rootResetToken, password: ROOT_PASSWORD }, { csrf: false });
    assert.equal(r.status, 200, `reset-password: ${r.text}`);
    server.rootPasswordSet = true;
  }
  const answer = await c.signIn({ email: server.rootEmail, password: ROOT_PASSWORD });
  assert.equal(answer.signedIn, true);
  return c;
}

// Creates an IAM user with a console password (and optional reset requirement).
export async function createConsoleUser(client, userName, password, { resetRequired = false,
  policies = [] } = {}) {
  await client.call('iam', 'CreateUser', { UserName: userName });
  await client.call('iam', 'CreateLoginProfile', { UserName: userName, Password: password,
                                                   PasswordResetRequired: resetRequired });
  for (const arn of policies) {
    await client.call('iam', 'AttachUserPolicy', { UserName: userName, PolicyArn: arn });
  }
}

// Creates a member account of the caller's organization (with its
// OrganizationAccountAccessRole) and waits for it; returns its id.
export async function createMemberAccount(root, name = 'Research', email = 'research@example.com') {
  const out = await root.call('organizations', 'CreateAccount', { AccountName: name, Email: email });
  const requestId = out.CreateAccountStatus.Id;
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    const s = await root.call('organizations', 'DescribeCreateAccountStatus',
                              { CreateAccountRequestId: requestId });
    if (s.CreateAccountStatus.State === 'SUCCEEDED') return s.CreateAccountStatus.AccountId;
    assert.notEqual(s.CreateAccountStatus.State, 'FAILED', JSON.stringify(s));
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('CreateAccount did not finish');
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A new browser context and page; page.errors collects uncaught page errors and CSP reports.
export async function newPage(browser, server, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport, baseURL: server.endpoint });
  const page = await context.newPage();
  page.setDefaultTimeout(30000);  // a busy machine (two test suites at once) is slow
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) {
      page.errors.push(m.text());
    }
  });
  return page;
}

// Saves a screenshot of the page (or of one element of it) to artifacts/NAME.png.
export function screenshot(pageOrLocator, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  return 'goto' in pageOrLocator ? pageOrLocator.screenshot({ path, fullPage: true })
    : pageOrLocator.screenshot({ path });
}

// Signs in as an IAM user through the sign-in page.
export async function signInAsUser(page, account, userName, password) {
  await page.goto('/signin');
  await page.getByLabel('Account ID (12 digits) or account alias').fill(account);
  await page.getByLabel('IAM user name').fill(userName);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

// Signs in as the root user through the sign-in page (email → password).
export async function signInAsRoot(page, email, password) {
  await page.goto('/signin');
  await page.getByRole('link', { name: 'Sign in using root user email' }).click();
  await page.getByLabel('Root user email address').fill(email);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

export async function expectHome(page) {
  await page.getByRole('heading', { name: 'Console Home' }).waitFor();
}

// The text of every error the page shows (the page's banner, a form's or a dialog's), or ''.
export async function alertText(page) {
  return (await page.locator('.alert.error').allInnerTexts()).join('\n');
}

// The error with the API's error code `code` (kept in data-code; the console shows the message
// only) inside `scope` (a page, a dialog, a form).
export function errorWithCode(scope, code) {
  return scope.locator(`.alert.error[data-code="${code}"]`);
}

// Opens the account menu of the navigation bar.
export async function openAccountMenu(page) {
  const button = page.locator('#account-menu-button');
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
}

// Clicks "Back to <user>" in the open account menu. The page switches back without loading
// anew, so this waits for the bar to name the user again rather than for the home page, which
// is already showing.
export async function switchBack(page, userName) {
  await page.getByRole('button', { name: `Back to ${userName}` }).click();
  await page.locator('#account-menu-button', { hasText: `${userName} @ ` }).waitFor();
  await expectHome(page);
}

// Assigns a virtual MFA device in the open "Assign MFA device" flow of the page: names it,
// reads the secret the page shows, types two consecutive codes. Returns the base32 seed.
export async function completeMfaAssignment(page, { totp, settledStep }) {
  const dialog = page.getByRole('dialog', { name: 'Assign MFA device' });
  await dialog.getByRole('button', { name: 'Next' }).click();
  const qr = dialog.getByRole('img', { name: 'QR code of the MFA device' });
  await qr.waitFor();
  assert.ok(await qr.evaluate((img) => img.complete && img.naturalWidth > 20), 'QR code not shown');
  await dialog.getByRole('button', { name: 'Show secret key' }).click();
  const seed = (await dialog.locator('#mfa-secret').innerText()).trim();
  assert.match(seed, /^[A-Z2-7]{16,}=*$/);
  const step = await settledStep();
  await dialog.getByLabel('MFA code 1').fill(totp(seed, step - 1));
  await dialog.getByLabel('MFA code 2').fill(totp(seed, step));
  await dialog.getByRole('button', { name: 'Add MFA' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.locator('#flash').getByText('assigned').waitFor();
  return seed;
}

// Declares a test that runs body(page, root, server) signed in as the root user of a fresh
// server, in a fresh context of the browser that getBrowser() returns, and fails on any error
// the page logged.
export function rootTest(getBrowser) {
  return (name, body) => test(name, async () => {
    const server = await startServer();
    const page = await newPage(getBrowser(), server);
    try {
      const root = await rootClient(server);
      await signInAsRoot(page, server.rootEmail, ROOT_PASSWORD);
      await expectHome(page);
      await body(page, root, server);
      assert.deepEqual(page.errors, []);
    } finally {
      await page.context().close();
      await server.stop();
    }
  });
}
