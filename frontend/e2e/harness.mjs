// The browser tests' harness: serves the built frontend (dist/) and the Go
// stand-in on loopback, drives Debian's Chromium with playwright-core (no
// browser is downloaded), and keeps screenshots in build/artifacts/ui/.
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const frontend = join(here, '..');
export const dist = join(frontend, 'dist');
export const artifacts = join(frontend, '..', 'build', 'artifacts', 'ui');
const fakeScript = join(here, '.out', 'fake.js');

const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.json': 'application/json',
};

/** Serves dist/ (or another build of the frontend, root) on 127.0.0.1 at a free port. */
export async function serve(root = dist) {
  if (!existsSync(join(root, 'index.html'))) throw new Error(`build the frontend first: ${root} has no index.html`);
  if (!existsSync(fakeScript)) throw new Error(`build the Go stand-in first: npm run build:e2e`);
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let path = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
    if (path === '/' || path === '') path = '/index.html';
    try {
      const body = await readFile(join(root, path));
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) };
}

/** Chromium from Debian, headless, with the flags this machine needs (Playwright gives it a fresh profile). */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
    ],
  });
}

/**
 * Opens the app with the stand-in seeded as asked (see src/test/e2e-entry.ts):
 * { keys, conversations, messages, speed, given }. theme: 'light' | 'dark'.
 * before: [fn, arg] pairs run as init scripts after the seed is set and
 * before the stand-in reads it (the benchmark generates big seeds in the page).
 */
export async function openApp(browser, url, { seed = {}, width = 1200, height = 800, theme = 'light', before = [] } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme: theme, reducedMotion: 'reduce' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(new Error(m.text()));
  });
  await page.addInitScript((s) => {
    window.__murmurE2E = s;
  }, seed);
  for (const [fn, arg] of before) {
    await page.addInitScript(fn, arg);
  }
  await page.addInitScript({ path: fakeScript });
  await page.goto(url);
  await page.getByRole('main', { name: 'Conversation' }).waitFor();
  return { page, context, errors };
}

/** Keeps a screenshot as build/artifacts/ui/<name>.png. */
export async function shot(page, name) {
  await mkdir(artifacts, { recursive: true });
  const path = join(artifacts, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
