import { readFileSync, mkdirSync } from 'node:fs';
import { resolve, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { chromium } from 'playwright-core';
import { totp, timeStep } from './totp.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const artifacts = resolve(here, 'artifacts');
mkdirSync(artifacts, { recursive: true });

export const baseUrl = (process.env.CLOUDWG_URL ?? 'http://127.0.0.1:7071').replace(/\/+$/, '');
export const isMock = process.env.CLOUDWG_MOCK === '1';

export function setupToken() {
  if (process.env.CLOUDWG_SETUP_TOKEN) return process.env.CLOUDWG_SETUP_TOKEN.trim();
  const dir = process.env.CLOUDWG_STATE_DIR ?? resolve(here, '../../.cloudwg');
  try {
    return readFileSync(join(dir, 'setup-token'), 'utf8').trim();
  } catch {
    throw new Error(`No setup token: set CLOUDWG_SETUP_TOKEN or CLOUDWG_STATE_DIR (looked in ${dir}/setup-token). The e2e run needs a fresh control plane.`);
  }
}

/**
 * Debian's Chromium, never a downloaded browser. Playwright's launch() gives every browser a
 * fresh temporary --user-data-dir of its own (it refuses one in `args`), removed on close.
 */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
}

export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, ...options });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  return { context, page };
}

export async function shot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

/** TOTP codes are single-use per 30 s step: wait for a step no code was used in yet. */
let lastStep = -1;
export async function freshTotp(secret) {
  while (timeStep() <= lastStep) await new Promise((r) => setTimeout(r, 500));
  lastStep = timeStep();
  return totp(secret);
}

/** X25519 public key (WireGuard base64) from a private key, with node:crypto. */
export function wgPublicKey(privateKeyBase64) {
  const raw = Buffer.from(privateKeyBase64, 'base64');
  const der = Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), raw]);
  const pub = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
  return Buffer.from(pub.export({ format: 'jwk' }).x, 'base64url').toString('base64');
}

/** Records everything the page sends, to prove what never leaves the browser. */
export function recordRequests(page) {
  const seen = [];
  page.on('request', (req) => {
    seen.push({ url: req.url(), method: req.method(), headers: req.headers(), body: req.postData() ?? '' });
  });
  return seen;
}
