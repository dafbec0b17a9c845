// A new user's first minutes with a deployed control plane, in Debian's Chromium: the admin app loads
// from the deployment's URL (the function app's own origin), the first owner is created with the
// one-time setup token, and the owner signs in to an empty dashboard. Driven by the shipped-package
// rehearsal (tests/CloudWg.SystemTests); exits non-zero with the reason on the first failure.
//
// Environment: CLOUDWG_URL (https://…), CLOUDWG_SETUP_TOKEN, CLOUDWG_USERNAME, CLOUDWG_PASSWORD, and
// CLOUDWG_SPKI: base64 SHA-256 of the front end's public key (its certificate comes from a test CA,
// which Chromium is told to accept for that key only).
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { artifacts } from './lib.mjs';

const url = process.env.CLOUDWG_URL.replace(/\/+$/, '');
const username = process.env.CLOUDWG_USERNAME;
const password = process.env.CLOUDWG_PASSWORD;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--disable-quic', '--no-first-run', `--ignore-certificate-errors-spki-list=${process.env.CLOUDWG_SPKI}`,
  ],
});
const failures = [];
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
  // 401s before sign-in show as 'Failed to load resource' console errors: expected, not failures.
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) failures.push(`console error: ${m.text()}`); });

  // A fresh deployment sends the visitor to the setup page.
  const response = await page.goto(`${url}/`);
  if (response?.status() !== 200) throw new Error(`GET / answered ${response?.status()}`);
  const csp = response.headers()['content-security-policy'] ?? '';
  if (!csp.includes("frame-ancestors 'none'")) throw new Error(`the app is served without its CSP (got "${csp}")`);
  await page.getByLabel('Setup token').waitFor();
  await page.getByLabel('Setup token').fill(process.env.CLOUDWG_SETUP_TOKEN);
  await page.getByLabel('Owner username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Confirm password').fill(password);
  await page.getByRole('button', { name: 'Create owner' }).click();
  await page.getByRole('heading', { name: 'Owner account created' }).waitFor();
  await page.getByRole('button', { name: 'Go to sign in' }).click();

  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.getByText('No nodes yet').waitFor();
  await page.screenshot({ path: join(artifacts, 'rehearsal-dashboard.png'), fullPage: true });
  if (failures.length > 0) throw new Error(failures.join('\n'));
  console.log(`signed in as ${username} at ${url}`);
} catch (e) {
  console.error(`first login failed: ${e.message}`);
  if (failures.length > 0) console.error(failures.join('\n'));
  process.exitCode = 1;
} finally {
  await browser.close();
}
