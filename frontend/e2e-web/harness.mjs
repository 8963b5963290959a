// The web build's browser tests: `make web`'s dist/web served by the fake
// API (cmd/murmur-fake-api --web, which also describes itself as murmur
// serve does, so the app starts with it as its provider), in Debian's
// Chromium through playwright-core. Screenshots: build/artifacts/web/.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '..', '..');
export const web = join(root, 'dist', 'web');
export const artifacts = join(root, 'build', 'artifacts', 'web');
const fakeBin = join(here, '.out', 'murmur-fake-api');

/** Builds the fake API once per run. */
function buildFake() {
  if (!existsSync(join(web, 'index.html')) || !existsSync(join(web, 'murmur', 'murmur.wasm'))) {
    throw new Error(`build the web app first (make web): ${web} is incomplete`);
  }
  if (!existsSync(fakeBin)) {
    execFileSync('go', ['build', '-o', fakeBin, './cmd/murmur-fake-api'], { cwd: root, stdio: 'inherit' });
  }
}

/**
 * Starts the fake API on a free loopback port: with web, serving dist/web;
 * with cors, answering that origin. Resolves with its URL.
 */
export async function startFake({ serveWeb = false, cors = '', rate = 60 } = {}) {
  buildFake();
  const args = ['-addr', '127.0.0.1:0', '-rate', String(rate)];
  if (serveWeb) args.push('-web', web);
  if (cors) args.push('-cors', cors);
  const proc = spawn(fakeBin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`the fake API did not start: ${out}`)), 10_000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /at (http:\/\/[\d.:]+)\/v1/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]);
      }
    });
    proc.stderr.on('data', (d) => (out += d));
    proc.on('exit', (code) => reject(new Error(`the fake API exited (${code}): ${out}`)));
  });
  return { url, close: () => proc.kill() };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh browser profile (its own storage) with the app open and ready. */
export async function openWeb(browser, url, { width = 1200, height = 800, theme = 'light', context } = {}) {
  const ctx = context ?? (await browser.newContext({ viewport: { width, height }, colorScheme: theme, reducedMotion: 'reduce', acceptDownloads: true }));
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(new Error(m.text()));
  });
  await page.goto(url);
  await page.getByRole('main', { name: 'Conversation' }).waitFor();
  return { page, context: ctx, errors };
}

export async function shot(page, name) {
  await mkdir(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, `${name}.png`) });
}

/** Sends text from the composer. */
export async function send(page, text) {
  const box = page.getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
}

/** Waits until the last reply is finished (its Regenerate button shows). */
export async function replyDone(page, timeout = 20_000) {
  const reply = page.getByRole('main', { name: 'Conversation' }).getByRole('article', { name: 'Assistant' }).last();
  await reply.getByRole('button', { name: 'Regenerate' }).waitFor({ timeout });
  return reply;
}

const serverBin = join(here, '.out', 'murmur-server');
let builtServer = false;

/**
 * Starts the headless server build (`-tags server`, the web files built in)
 * as `murmur serve` in a home of its own whose default provider is the fake
 * API at upstream. Resolves with its URL.
 */
export async function startServe(upstream, args = []) {
  buildFake();
  // Always built (Go's cache makes it quick): it embeds dist/web as it is now.
  if (!builtServer) {
    builtServer = true;
    execFileSync('go', ['build', '-tags', 'server', '-o', serverBin, '.'], { cwd: root, stdio: 'inherit', env: { ...process.env, CGO_ENABLED: '0' } });
  }
  const home = mkdtempSync(join(tmpdir(), 'murmur-serve-'));
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data'), XDG_STATE_HOME: join(home, 'state') };
  execFileSync(serverBin, ['provider', 'add', '--preset', 'custom', '--id', 'fake', '--base-url', `${upstream}/v1`, '--auth', 'none', '--model', 'fake-model', '--default'], { env });
  const proc = spawn(serverBin, ['serve', '--listen', '127.0.0.1:0', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`murmur serve did not start: ${out}`)), 15_000);
    const onData = (d) => {
      out += d;
      const m = /url=(http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]);
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`murmur serve exited (${code}): ${out}`)));
  });
  return { url, close: () => proc.kill() };
}

/** Serves the page html() returns on a loopback origin of its own. */
export async function hostPage(html) {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html());
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}
