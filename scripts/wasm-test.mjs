#!/usr/bin/env node
// Runs a Go test binary built for GOOS=js GOARCH=wasm in Debian's Chromium
// (playwright-core from frontend/node_modules; nothing downloads a browser),
// streams its output to stdout and exits with its status. It is meant as the
// -exec of `go test`:
//
//   GOOS=js GOARCH=wasm go test -exec "node $PWD/scripts/wasm-test.mjs" ./backend/browserdb/
//
// The test binary runs on a page served from 127.0.0.1, so it has IndexedDB,
// Web Locks and navigator.storage as a real site does. Tests that need more
// than one page, or a page killed mid-write, call window.wasmTestRunner (see
// the `ops` below; backend/browserdb/browsertest is the Go side of it):
//
//   spawn {args, env, quota}  start another page running this binary; returns its
//                          id. With quota (bytes) the page is on an origin of its
//                          own whose storage quota is that small
//   setQuota {bytes}       set the calling page's quota (null lifts it)
//   waitOutput {id, text}  resolves when that page has printed text (or exited)
//   wait {id}              resolves with {code, output} when that page's program exits
//   kill {id, how}         "crash" the page's renderer or "close" the tab, at once
//
// Environment: CHROMIUM (default /usr/bin/chromium); MURMUR_* variables are
// passed to the program; WASM_TEST_CHILDREN=1 echoes other pages' output to stderr.
import { createServer } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(new URL('../frontend/package.json', import.meta.url));

function fail(msg) {
  process.stderr.write(`wasm-test: ${msg}\n`);
  process.exit(1);
}

const [binary, ...args] = process.argv.slice(2);
if (!binary) fail('usage: wasm-test.mjs <test binary built for js/wasm> [test flags...]');
if (!existsSync(binary)) fail(`no such test binary: ${binary}`);

let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch {
  fail('playwright-core is not installed: run `make frontend-deps` (npm ci in frontend/)');
}

const goroot = process.env.GOROOT || execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
const wasmExec = join(goroot, 'lib', 'wasm', 'wasm_exec.js');
if (!existsSync(wasmExec)) fail(`no wasm_exec.js at ${wasmExec}`);

// What the program sees as its environment: the MURMUR_* variables only
// (the whole environment does not fit in what wasm_exec.js allows).
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('MURMUR_')));

// The page that runs one program. Its arguments come from the URL's hash,
// so that every page, the first and the spawned ones, is the same file.
const page = `<!doctype html>
<meta charset="utf-8">
<title>go wasm test</title>
<script src="/wasm_exec.js"></script>
<script type="module">
  const spec = JSON.parse(decodeURIComponent(location.hash.slice(1)));
  const go = new Go();
  go.argv = ['test.wasm', ...spec.args];
  go.env = spec.env;
  go.exit = (code) => window.wasmTestExit(code);
  try {
    const { instance } = await WebAssembly.instantiateStreaming(fetch('/test.wasm'), go.importObject);
    await go.run(instance);
  } catch (e) {
    console.error('wasm-test: the program could not run: ' + (e && e.stack || e));
    window.wasmTestExit(3);
  }
</script>`;

const wasm = readFileSync(binary);
function handler(req, res) {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const send = (type, body) => {
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };
  if (path === '/') return send('text/html; charset=utf-8', page);
  if (path === '/wasm_exec.js') return send('text/javascript', readFileSync(wasmExec));
  if (path === '/test.wasm') return send('application/wasm', wasm);
  if (path === '/favicon.ico') return send('image/x-icon', '');
  res.writeHead(404);
  res.end('not found');
}

// Every server is one origin (a port of 127.0.0.1). The first serves the
// test binary; spawn({quota}) starts another, as a quota override only
// takes hold on an origin that has not stored anything yet.
const servers = [];
async function newOrigin() {
  const server = createServer(handler);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return `http://127.0.0.1:${server.address().port}`;
}
const origin = await newOrigin();

let browser;
async function finish(code) {
  try {
    await browser?.close();
  } catch {}
  for (const s of servers) s.close();
  process.exit(code);
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => finish(130));

// The whole run is bounded by the test binary's own -test.timeout plus a minute.
const timeoutArg = args.find((a) => /^-(test\.)?timeout=/.test(a));
const timeoutMs = timeoutArg ? parseDuration(timeoutArg.split('=')[1]) : 10 * 60_000;
function parseDuration(s) {
  let ms = 0;
  for (const [, n, unit] of s.matchAll(/([\d.]+)(h|ms|m|s)/g)) {
    ms += Number(n) * { h: 3_600_000, m: 60_000, s: 1000, ms: 1 }[unit];
  }
  return ms || 10 * 60_000;
}
setTimeout(() => {
  process.stderr.write(`wasm-test: no exit after ${timeoutMs + 60_000} ms; stopping\n`);
  finish(1);
}, timeoutMs + 60_000).unref();

// One browser context: every page shares its storage, as tabs of one
// profile do (Playwright's contexts keep it in memory and start empty).
browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
  ],
});
const context = await browser.newContext();

// Pages by id: 0 is the test binary run by go test, the others were spawned.
const pages = new Map();
let nextID = 0;

async function start(spec, echo, at = origin) {
  const id = nextID++;
  const p = await context.newPage();
  const rec = { id, page: p, output: '', code: null, waiters: [], exited: null };
  rec.exited = new Promise((resolve) => (rec.resolveExit = resolve));
  pages.set(id, rec);
  const line = (text) => {
    rec.output += text + '\n';
    if (echo) process.stdout.write(text + '\n');
    else if (process.env.WASM_TEST_CHILDREN) process.stderr.write(`[page ${id}] ${text}\n`);
    for (const w of [...rec.waiters]) w();
  };
  p.on('console', (m) => line(m.text()));
  p.on('pageerror', (e) => line(`wasm-test: uncaught exception on page ${id}: ${e.stack || e}`));
  p.on('crash', () => ended(rec, rec.code ?? 137));
  p.on('close', () => ended(rec, rec.code ?? 137));
  rec.origin = at;
  await p.goto(`${at}/#${encodeURIComponent(JSON.stringify(spec))}`);
  return rec;
}

function ended(rec, code) {
  if (rec.code !== null && rec.done) return;
  rec.code = code;
  rec.done = true;
  rec.resolveExit(code);
  for (const w of [...rec.waiters]) w();
}

const ops = {
  async spawn(source, { args = [], env: extra = {}, quota = null }) {
    let at = origin;
    if (quota !== null) {
      at = await newOrigin();
      await overrideQuota(at, quota);
    }
    const rec = await start({ args, env: { ...env, ...extra } }, false, at);
    return rec.id;
  },
  async waitOutput(_, { id, text }) {
    const rec = pages.get(id);
    if (!rec) throw new Error(`no page ${id}`);
    await new Promise((resolve) => {
      const check = () => {
        if (rec.output.includes(text) || rec.done) {
          rec.waiters = rec.waiters.filter((w) => w !== check);
          resolve();
        }
      };
      rec.waiters.push(check);
      check();
    });
    return { found: rec.output.includes(text), exited: rec.done, code: rec.code, output: rec.output };
  },
  async wait(_, { id }) {
    const rec = pages.get(id);
    if (!rec) throw new Error(`no page ${id}`);
    const code = await rec.exited;
    return { code, output: rec.output };
  },
  async kill(_, { id, how = 'crash' }) {
    const rec = pages.get(id);
    if (!rec) throw new Error(`no page ${id}`);
    if (how === 'crash') {
      const cdp = await context.newCDPSession(rec.page);
      cdp.send('Page.crash').catch(() => {});
    } else {
      await rec.page.close({ runBeforeUnload: false });
    }
    await rec.exited;
    if (!rec.page.isClosed()) await rec.page.close().catch(() => {});
    return true;
  },
  async setQuota(source, { bytes }) {
    const rec = [...pages.values()].find((r) => r.page === source.page);
    await overrideQuota(rec?.origin ?? origin, bytes);
    return true;
  },
};

// Chromium applies a quota override to an origin that has stored nothing
// yet in this context; lifting it (bytes null) works at any time. An
// override lasts as long as the DevTools session that made it: keep one.
let quotaSession;
async function overrideQuota(at, bytes) {
  quotaSession ??= await context.newCDPSession(pages.get(0).page);
  const params = { origin: at };
  if (bytes !== null && bytes !== undefined) params.quotaSize = bytes;
  await quotaSession.send('Storage.overrideQuotaForOrigin', params);
}

await context.exposeBinding('wasmTestRunner', async (source, op, arg) => {
  const fn = ops[op];
  if (!fn) throw new Error(`wasm-test: no such operation ${op}`);
  return fn(source, arg ?? {});
});
await context.exposeBinding('wasmTestExit', (source, code) => {
  for (const rec of pages.values()) {
    if (rec.page === source.page) {
      rec.code = code;
      ended(rec, code);
      if (rec.id === 0) {
        // Let the last console messages arrive before closing.
        setTimeout(() => finish(code), 50);
      } else {
        rec.page.close().catch(() => {});
      }
    }
  }
});

const main = await start({ args, env }, true);
const code = await main.exited;
await finish(code);
