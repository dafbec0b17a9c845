// End-to-end: the built SPA against a control plane (the real one from `make up`, or the mock),
// driven in Debian's Chromium. Steps share state and run in order.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { baseUrl, isMock, setupToken, launch, newPage, shot, freshTotp, wgPublicKey, recordRequests } from './lib.mjs';
import { secretFrom } from './totp.mjs';

const username = `owner${Date.now().toString(36)}`;
const password = 'correct horse battery staple 42';
const s = { browser: null, a: null, b: null, c: null, secret: null, recovery: [], nodeId: null, nodeUrl: null, peerPublicKey: null, viewerSecret: null };
const viewerPassword = 'another long password 1';
const viewerNewPassword = 'set by the owner 2 staple';

after(async () => {
  await s.browser?.close();
});

let failed = null;
function step(name, fn) {
  test(name, async () => {
    // Steps build on each other: after a failure, fail fast and name the cause.
    if (failed) throw new Error(`not run: earlier step "${failed}" failed`);
    try {
      await fn();
    } catch (e) {
      failed = name;
      if (s.a?.page) await shot(s.a.page, `failure-A-${name.replace(/\W+/g, '-')}`).catch(() => {});
      if (s.b?.page) await shot(s.b.page, `failure-B-${name.replace(/\W+/g, '-')}`).catch(() => {});
      if (s.c?.page) await shot(s.c.page, `failure-C-${name.replace(/\W+/g, '-')}`).catch(() => {});
      throw e;
    }
  });
}

/** Resolves once the page has sent no API request (the live-update stream aside) for `quietMs`. */
async function apiQuiet(page, quietMs) {
  let last = Date.now();
  const seen = (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith('/api/') && path !== '/api/events') last = Date.now();
  };
  page.on('request', seen);
  try {
    while (Date.now() - last < quietMs) await page.waitForTimeout(100);
  } finally {
    page.off('request', seen);
  }
}

async function login(page, code) {
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Authentication code').fill(await code());
  await page.getByRole('button', { name: 'Verify' }).click();
}

step('setup: first owner with the setup token', async () => {
  s.browser = await launch();
  s.a = await newPage(s.browser);
  const { page } = s.a;
  await page.goto(`${baseUrl}/setup`);
  await page.getByLabel('Setup token').fill(setupToken());
  await page.getByLabel('Owner username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Confirm password').fill(password);
  await shot(page, '01-setup');
  await page.getByRole('button', { name: 'Create owner' }).click();
  await page.getByRole('heading', { name: 'Owner account created' }).waitFor();
  await page.getByRole('button', { name: 'Go to sign in' }).click();
});

step('login with password (no MFA yet)', async () => {
  const { page } = s.a;
  await page.getByLabel('Username', { exact: true }).waitFor();
  assert.equal(await page.getByLabel('Username', { exact: true }).inputValue(), username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await shot(page, '02-login');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.getByText('No nodes yet').waitFor();
});

step('TOTP enrolment with QR code and recovery codes shown once', async () => {
  const { page } = s.a;
  await page.getByRole('link', { name: 'Account' }).click();
  await page.getByRole('button', { name: 'Set up authenticator' }).click();
  await page.getByRole('img', { name: 'Authenticator QR code' }).waitFor();
  s.secret = secretFrom((await page.getByTestId('totp-secret').textContent()).trim());
  assert.match(s.secret, /^[A-Z2-7]+=*$/);
  await shot(page, '03-totp-setup');
  await page.getByLabel('Code from your app').fill(await freshTotp(s.secret));
  await page.getByRole('button', { name: 'Turn on' }).click();
  const codes = page.getByTestId('recovery-codes');
  await codes.waitFor();
  s.recovery = (await codes.locator('li code').allTextContents()).map((c) => c.trim());
  assert.ok(s.recovery.length >= 5, `expected recovery codes, got ${s.recovery.length}`);
  await shot(page, '04-recovery-codes');
  await page.getByRole('button', { name: 'I have saved them' }).click();
  await page.getByText('Two-factor authentication is on.').waitFor();
  assert.equal(await page.getByTestId('recovery-codes').count(), 0, 'recovery codes are shown once');
});

step('logout, then login with the MFA step', async () => {
  const { page } = s.a;
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByRole('heading', { name: 'Sign in to CloudWg' }).waitFor();
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Authentication code').waitFor();
  await shot(page, '05-mfa-step');
  await page.getByLabel('Authentication code').fill(await freshTotp(s.secret));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
});

step('create node and get its install command', async () => {
  const { page } = s.a;
  await page.getByRole('link', { name: 'Nodes' }).click();
  await page.getByRole('button', { name: 'Add node' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add node' });
  await dialog.getByLabel('Name', { exact: true }).fill('edge-1');
  await dialog.getByLabel(/Public endpoint/).fill('vpn.example.test');
  await dialog.getByLabel('DNS servers for clients').fill('192.0.2.53');
  await dialog.getByLabel('Internet egress (exit node)').check();
  await shot(page, '06-node-create');
  await dialog.getByRole('button', { name: 'Create node' }).click();
  await page.getByRole('heading', { name: 'edge-1' }).waitFor();
  s.nodeUrl = new URL(page.url()).pathname;
  s.nodeId = decodeURIComponent(s.nodeUrl.split('/').pop());
  await page.getByRole('tab', { name: 'Enrollment' }).click();
  await page.getByRole('button', { name: 'Create enrollment token' }).click();
  const cmd = (await page.getByTestId('install-command').textContent()).trim();
  assert.ok(cmd.length > 20, `install command: ${cmd}`);
  await shot(page, '07-node-enrollment');
  await page.getByRole('tab', { name: 'Desired state' }).click();
  await page.getByTestId('desired-state').or(page.getByText('Nothing has been published')).first().waitFor();
  await shot(page, '08-desired-state');
});

step('create peer with browser-made keys; config download and QR; private key never sent', async () => {
  const { page, context } = s.a;
  const sent = recordRequests(page);
  await page.getByRole('tab', { name: 'Peers' }).click();
  await page.getByText('No peers on this node yet').waitFor();
  await page.getByRole('button', { name: 'Add peer' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add peer' });
  await dialog.getByLabel('Name', { exact: true }).fill('alice-laptop');
  s.peerPublicKey = (await dialog.getByTestId('new-public-key').textContent()).trim();
  await dialog.getByRole('button', { name: 'Create peer' }).click();
  const done = page.getByRole('dialog', { name: 'Peer "alice-laptop" created' });
  await done.getByRole('img', { name: /QR code with the WireGuard config/ }).waitFor();
  assert.ok((await done.locator('svg.qr path').getAttribute('d')).length > 100, 'QR code has modules');
  await done.getByRole('button', { name: 'Show config text' }).click();
  const shown = (await done.getByTestId('config-text').textContent()).trim();
  await shot(page, '09-peer-config-qr');
  const [download] = await Promise.all([page.waitForEvent('download'), done.getByRole('button', { name: /^Download / }).click()]);
  assert.equal(download.suggestedFilename(), 'alice-laptop.conf');
  const file = await readFile(await download.path(), 'utf8');
  assert.equal(file.trim(), shown);
  assert.match(file, /^\[Interface\]$/m);
  assert.match(file, /^\[Peer\]$/m);
  assert.match(file, /^Endpoint = vpn\.example\.test:51820$/m);
  // An exit node: the full tunnel is the default, with the resolver the operator named.
  assert.match(file, /^AllowedIPs = 0\.0\.0\.0\/0, ::\/0$/m);
  assert.match(file, /^DNS = 192\.0\.2\.53$/m);
  const privateKey = /^PrivateKey = (\S+)$/m.exec(file)[1];
  assert.equal(Buffer.from(privateKey, 'base64').length, 32);
  assert.equal(wgPublicKey(privateKey), s.peerPublicKey, 'the config private key belongs to the public key sent');
  // The API stored exactly that public key.
  const res = await context.request.get(`${baseUrl}/api/nodes/${encodeURIComponent(s.nodeId)}/peers`);
  const body = await res.json();
  const peers = Array.isArray(body) ? body : body.items;
  assert.deepEqual(peers.map((p) => p.publicKey), [s.peerPublicKey]);
  // Nothing the browser sent contains the private key, in any encoding.
  const needles = [privateKey, encodeURIComponent(privateKey), Buffer.from(privateKey, 'base64').toString('hex'), Buffer.from(privateKey, 'base64').toString('base64url')];
  assert.ok(sent.some((r) => r.method === 'POST' && r.url.includes('/peers')), 'the peer POST was recorded');
  for (const r of sent) {
    const text = `${r.url}\n${JSON.stringify(r.headers)}\n${r.body}`;
    for (const n of needles) assert.ok(!text.includes(n), `private key leaked in ${r.method} ${r.url}`);
  }
  await done.getByRole('button', { name: 'Done' }).click();
  await page.locator('tr[data-peer="alice-laptop"]').waitFor();
});

step('live update between two browser contexts', async () => {
  s.b = await newPage(s.browser);
  const { page: pb } = s.b;
  await pb.goto(`${baseUrl}${s.nodeUrl}?tab=peers`);
  // Second browser signs in with a recovery code (single use).
  await login(pb, async () => s.recovery[0]);
  await pb.locator('tr[data-peer="alice-laptop"]').waitFor();
  assert.ok(new URL(pb.url()).pathname === s.nodeUrl, 'back on the page the link pointed to');
  // Both pages hold an open event stream (not the 15 s polling fallback).
  await pb.locator('.live-status[data-state="live"]').waitFor();
  await s.a.page.locator('.live-status[data-state="live"]').waitFor();
  // A change in A appears in B without a reload.
  const { page: pa } = s.a;
  await pa.getByRole('button', { name: 'Add peer' }).click();
  const dialog = pa.getByRole('dialog', { name: 'Add peer' });
  await dialog.getByLabel('Name', { exact: true }).fill('bob-phone');
  await dialog.getByRole('button', { name: 'Create peer' }).click();
  await pa.getByRole('dialog', { name: 'Peer "bob-phone" created' }).getByRole('button', { name: 'Done' }).click();
  await pb.locator('tr[data-peer="bob-phone"]').waitFor({ timeout: 15_000 });
  await shot(pb, '10-live-update-browser-b');
});

step('412: changed by someone else, reload keeps what the user typed', async () => {
  const { page: pa } = s.a;
  const { page: pb } = s.b;
  await pa.getByRole('button', { name: 'Edit alice-laptop' }).click();
  const da = pa.getByRole('dialog', { name: 'Edit peer "alice-laptop"' });
  await da.getByLabel('Notes').fill('typed in browser A');
  // Meanwhile B edits and saves the same peer.
  await pb.getByRole('button', { name: 'Edit alice-laptop' }).click();
  const db = pb.getByRole('dialog', { name: 'Edit peer "alice-laptop"' });
  await db.getByLabel('Persistent keepalive (s)').fill('15');
  await db.getByRole('button', { name: 'Save peer' }).click();
  await db.waitFor({ state: 'detached' });
  // A saves with its stale ETag.
  await da.getByRole('button', { name: 'Save peer' }).click();
  await da.getByTestId('conflict').waitFor();
  assert.match(await da.getByTestId('conflict').textContent(), /changed by someone else/);
  assert.equal(await da.getByLabel('Notes').inputValue(), 'typed in browser A');
  await shot(pa, '11-conflict-412');
  await da.getByRole('button', { name: 'Reload latest (keep my edits)' }).click();
  await da.getByText(/Changed by the other person: .*persistentKeepalive/).waitFor();
  assert.equal(await da.getByLabel('Notes').inputValue(), 'typed in browser A');
  await da.getByRole('button', { name: 'Save peer' }).click();
  await da.waitFor({ state: 'detached' });
  await pa.locator('tr[data-peer="alice-laptop"]').getByText('typed in browser A').waitFor();
  await pb.locator('tr[data-peer="alice-laptop"]').getByText('typed in browser A').waitFor({ timeout: 15_000 });
});

step('session expiry returns to login, then back where the user was', async () => {
  const { page, context } = s.a;
  // Start from a fresh load of the node page: a live-update reload still pending from the previous step would
  // otherwise be the call that meets the expired session, before (and instead of) the tab click below.
  // A new live-update stream replays the last few seconds of changes (the previous step's), and the page reloads
  // its data for them: wait until the stream is up and the page has been quiet for a moment, or that reload
  // would be the call that meets the expired session, before the tab click below.
  await page.goto(new URL(s.nodeUrl, baseUrl).href);
  await page.locator('tr[data-peer="alice-laptop"]').waitFor();
  await page.locator('.live-status[data-state="live"]').waitFor();
  await apiQuiet(page, 1500);
  await context.clearCookies();
  await page.getByRole('tab', { name: 'L4 routes' }).click();
  await page.getByText('Your session ended').waitFor();
  await login(page, () => freshTotp(s.secret));
  await page.getByRole('heading', { name: 'edge-1' }).waitFor();
  const url = new URL(page.url());
  assert.equal(url.pathname, s.nodeUrl);
  assert.equal(url.searchParams.get('tab'), 'routes');
});

step('route editor shows the API validation message at the field', async () => {
  const { page } = s.a;
  await page.getByRole('button', { name: 'Add route' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add route' });
  await dialog.getByLabel('Host names (SNI)').fill('bad_name!');
  const peerSelect = dialog.getByLabel('Peer', { exact: true });
  await peerSelect.selectOption(await peerSelect.locator('option', { hasText: 'alice-laptop' }).getAttribute('value'));
  await dialog.getByRole('button', { name: 'Create route' }).click();
  const sni = dialog.getByLabel('Host names (SNI)');
  await dialog.locator('[aria-invalid="true"]').first().waitFor();
  assert.equal(await sni.getAttribute('aria-invalid'), 'true');
  const errId = (await sni.getAttribute('aria-describedby')).split(' ').pop();
  assert.ok((await dialog.locator(`[id="${errId}"]`).textContent()).length > 0);
  await shot(page, '12-route-validation');
  await sni.fill('app.example.test');
  await dialog.getByRole('button', { name: 'Create route' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByRole('cell', { name: 'app.example.test', exact: true }).waitFor();
  await shot(page, '13-routes');
});

step('firewall editor shows the API validation message at the field', async () => {
  const { page } = s.a;
  await page.getByRole('tab', { name: 'Firewall' }).click();
  await page.getByRole('button', { name: 'Add rule' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add firewall rule' });
  await dialog.getByLabel('Ports').fill('99999');
  await dialog.getByLabel('Comment').fill('ssh from the office');
  await dialog.getByRole('button', { name: 'Create firewall rule' }).click();
  await dialog.getByLabel('Ports').and(page.locator('[aria-invalid="true"]')).waitFor();
  await shot(page, '14-firewall-validation');
  await dialog.getByLabel('Ports').fill('22');
  await dialog.getByRole('button', { name: 'Create firewall rule' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByRole('cell', { name: 'ssh from the office', exact: true }).waitFor();
  await shot(page, '15-firewall');
});

step('admins, API tokens and audit log pages', async () => {
  const { page } = s.a;
  await page.getByRole('link', { name: 'Admins' }).click();
  await page.getByRole('cell', { name: new RegExp(`^${username}`) }).waitFor();
  await page.getByRole('button', { name: 'Add admin' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add admin' });
  await dialog.getByLabel('Username', { exact: true }).fill('viewer1');
  await dialog.getByLabel('Initial password').fill(viewerPassword);
  await dialog.getByLabel('Role').selectOption('viewer');
  await dialog.getByRole('button', { name: 'Create admin' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByRole('cell', { name: 'viewer1', exact: true }).waitFor();
  await shot(page, '16-admins');
  await page.getByRole('link', { name: 'API tokens' }).click();
  await page.getByLabel('Name', { exact: true }).fill('ci');
  await page.getByRole('button', { name: 'Create token' }).click();
  assert.ok(((await page.getByTestId('new-token').textContent()) ?? '').trim().length > 10);
  await shot(page, '17-tokens');
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.getByRole('heading', { name: 'Audit log' }).waitFor();
  await page.locator('tbody tr').first().waitFor();
  await page.getByLabel('Resource type').fill('peer');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByRole('cell', { name: /^peer/i }).first().waitFor();
  await shot(page, '18-audit');
});

step('owner requires MFA for every admin; an admin without it is held on TOTP setup', async () => {
  const { page } = s.a;
  await page.getByRole('link', { name: 'Admins' }).click();
  const box = page.getByRole('checkbox', { name: 'Require two-factor authentication for every admin' });
  await box.and(page.locator(':enabled')).waitFor();
  assert.equal(await box.isChecked(), false, 'off on a fresh control plane');
  let question = '';
  page.once('dialog', (d) => {
    question = d.message();
    void d.accept();
  });
  await box.click();
  await page.getByRole('checkbox', { name: 'Require two-factor authentication for every admin', checked: true }).waitFor();
  assert.match(question, /Not set up yet: viewer1\./, 'the confirmation names the admin without MFA');
  const settings = await (await s.a.context.request.get(`${baseUrl}/api/auth/settings`)).json();
  assert.equal(settings.requireMfa, true);
  await shot(page, '24-require-mfa');

  // viewer1 has no MFA: after the password it can only set up TOTP.
  s.c = await newPage(s.browser);
  const { page: pc } = s.c;
  await pc.goto(`${baseUrl}/`);
  await pc.getByLabel('Username', { exact: true }).fill('viewer1');
  await pc.getByLabel('Password', { exact: true }).fill(viewerPassword);
  await pc.getByRole('button', { name: 'Sign in' }).click();
  await pc.getByText('An owner requires two-factor authentication for every admin').waitFor();
  assert.equal(new URL(pc.url()).pathname, '/account');
  await pc.getByRole('link', { name: 'Dashboard' }).click();
  await pc.waitForURL(`${baseUrl}/account`);
  await pc.getByRole('button', { name: 'Set up authenticator' }).waitFor();
  assert.equal(await pc.getByRole('heading', { name: 'Dashboard' }).count(), 0, 'held on the account page');
  const refused = await s.c.context.request.get(`${baseUrl}/api/nodes`);
  assert.equal(refused.status(), 403, 'the API refuses everything else too');
  await shot(pc, '25-mfa-setup-forced');
  await pc.getByRole('button', { name: 'Set up authenticator' }).click();
  s.viewerSecret = secretFrom((await pc.getByTestId('totp-secret').textContent()).trim());
  await pc.getByLabel('Code from your app').fill(await freshTotp(s.viewerSecret));
  await pc.getByRole('button', { name: 'Turn on' }).click();
  await pc.getByTestId('recovery-codes').waitFor();
  await pc.getByRole('button', { name: 'I have saved them' }).click();
  await pc.getByRole('link', { name: 'Dashboard' }).click();
  await pc.getByRole('heading', { name: 'Dashboard' }).waitFor();
  assert.equal(new URL(pc.url()).pathname, '/');
});

step('owner sets another admin\'s password: server rule at the field, 412 keeps it, the admin signs in with it', async () => {
  const { page } = s.a;
  const { page: pb } = s.b;
  const { page: pc } = s.c;
  await page.getByRole('link', { name: 'Admins' }).click();
  const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'viewer1', exact: true }) });
  await row.getByRole('button', { name: 'Set password' }).click();
  const dialog = page.getByRole('dialog', { name: 'Set password for viewer1' });
  const field = dialog.getByLabel('New password', { exact: true });
  await field.fill('too short');
  await dialog.getByLabel('Confirm new password').fill('too short');
  await dialog.getByRole('button', { name: 'Set password' }).click();
  await field.and(page.locator('[aria-invalid="true"]')).waitFor();
  const errId = (await field.getAttribute('aria-describedby')).split(' ').pop();
  assert.match(await dialog.locator(`[id="${errId}"]`).textContent(), /at least 12 characters/);
  await shot(page, '26-set-password-rule');

  // Meanwhile the owner's other browser makes viewer1 an admin: the open dialog's version is stale.
  await pb.getByRole('link', { name: 'Admins' }).click();
  await Promise.all([
    pb.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes('/api/admins/') && r.ok()),
    pb.getByLabel('Role of viewer1').selectOption('admin'),
  ]);
  await field.fill(viewerNewPassword);
  await dialog.getByLabel('Confirm new password').fill(viewerNewPassword);
  await dialog.getByRole('button', { name: 'Set password' }).click();
  await dialog.getByTestId('conflict').waitFor();
  await dialog.getByRole('button', { name: 'Reload latest (keep my edits)' }).click();
  await dialog.getByText(/Changed by the other person: .*role/).waitFor();
  assert.equal(await field.inputValue(), viewerNewPassword, 'what was typed is kept');
  await dialog.getByRole('button', { name: 'Set password' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByRole('status').filter({ hasText: 'New password set for viewer1' }).waitFor();

  // Their session ended; the old password no longer works, the new one (plus their TOTP) does.
  await pc.reload();
  await pc.getByRole('heading', { name: 'Sign in to CloudWg' }).waitFor();
  await pc.getByLabel('Username', { exact: true }).fill('viewer1');
  await pc.getByLabel('Password', { exact: true }).fill(viewerPassword);
  await pc.getByRole('button', { name: 'Sign in' }).click();
  await pc.getByText('Wrong username or password.').waitFor();
  await pc.getByLabel('Password', { exact: true }).fill(viewerNewPassword);
  await pc.getByRole('button', { name: 'Sign in' }).click();
  await pc.getByLabel('Authentication code').fill(await freshTotp(s.viewerSecret));
  await pc.getByRole('button', { name: 'Verify' }).click();
  await pc.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await shot(pc, '27-signed-in-with-set-password');
  await s.c.context.close();
  s.c = null;
});

step('dashboard, phone width and dark mode', async () => {
  const { page } = s.a;
  if (isMock) await page.request.post(`${baseUrl}/__mock/report/${encodeURIComponent(s.nodeId)}`);
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await page.getByRole('link', { name: 'edge-1' }).waitFor();
  assert.equal((await page.getByTestId('peer-count').textContent()).trim(), '2');
  await shot(page, '19-dashboard');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, '20-dashboard-dark');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${baseUrl}${s.nodeUrl}?tab=peers`);
  await page.locator('tr[data-peer="alice-laptop"]').waitFor();
  await shot(page, '21-peers-phone-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await shot(page, '22-peers-phone');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page scrolls sideways at phone width by ${overflow}px`);
});

step('keyboard: tab to a control, open and close a dialog with the keyboard', async () => {
  const { page } = s.a;
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByRole('button', { name: 'Add peer' }).focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Add peer' });
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'name', 'focus moves into the dialog');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Add peer', 'focus returns to the opener');
});

step('peer disable and delete, node revoke', async () => {
  const { page } = s.a;
  page.on('dialog', (d) => void d.accept());
  await page.goto(`${baseUrl}${s.nodeUrl}?tab=peers`);
  const bob = page.locator('tr[data-peer="bob-phone"]');
  await bob.getByRole('button', { name: 'Disable bob-phone' }).click();
  await bob.getByText('disabled', { exact: true }).waitFor();
  await page.getByLabel('Show').selectOption('disabled');
  await page.locator('tr[data-peer]').first().waitFor();
  assert.deepEqual(await page.locator('tr[data-peer]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-peer'))), ['bob-phone']);
  await page.getByLabel('Show').selectOption('all');
  await bob.getByRole('button', { name: 'Delete bob-phone' }).click();
  await bob.waitFor({ state: 'detached' });
  await page.locator('tr[data-peer="alice-laptop"]').waitFor();
  await page.getByRole('tab', { name: 'Enrollment' }).click();
  await page.getByRole('button', { name: 'Revoke node' }).click();
  await page.getByText('revoked', { exact: true }).first().waitFor();
  await shot(page, '23-node-revoked');
});
