// The web build's budgets, measured in Chromium (make bench-web; numbers in
// build/artifacts/bench-web.json). Nothing here asserts: it reports.
//
//   first load   bytes transferred (brotli) to open the web app: page, JS,
//                CSS, the worker, wasm_exec.js and the core's wasm
//   TTI          navigation start to the app answering (Info() resolved and
//                the composer shown), cold (empty cache) and warm (reload);
//                baseline: the same page with the JS stand-in instead of the
//                Go core (the UI alone), measured in the same run
//   widget       widget.js gzip size, the widget's wasm (brotli), and click
//                to ready (murmur-ready) on a host page, cold and warm
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { hostPage, launch, root, startFake, startServe, web } from './harness.mjs';

const runs = Number(process.env.RUNS ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fakeScript = join(root, 'frontend', 'e2e', '.out', 'fake.js');
execFileSync('npm', ['run', 'build:e2e'], { cwd: join(root, 'frontend'), stdio: 'ignore' });

const browser = await launch();
const app = await startFake({ serveWeb: true, rate: 200 });

/** Opens the app in ctx; resolves with {tti, bytes}. */
async function open(ctx, { stand = false } = {}) {
  const page = await ctx.newPage();
  let bytes = 0;
  page.on('requestfinished', async (r) => {
    const s = await r.sizes().catch(() => null);
    if (s) bytes += s.responseBodySize + s.responseHeadersSize;
  });
  if (stand) {
    await page.addInitScript((s) => (window.__murmurE2E = s), { keys: true });
    await page.addInitScript({ path: fakeScript });
  }
  await page.goto(app.url);
  await page.getByLabel('Message', { exact: true }).waitFor();
  const tti = await page.evaluate(async () => {
    await window.go.main.App.Info();
    return performance.now();
  });
  await page.waitForTimeout(300); // late requests (fonts, the format worker) are not first load
  await page.close();
  return { tti, bytes };
}

async function cold(opts) {
  const ctx = await browser.newContext();
  const r = await open(ctx, opts);
  await ctx.close();
  return r;
}
async function warm(opts) {
  const ctx = await browser.newContext();
  await open(ctx, opts);
  const r = await open(ctx, opts);
  await ctx.close();
  return r;
}

const result = { machine: `${cpus()[0]?.model} × ${cpus().length}`, runs };
const c = [], w = [], bc = [], bw = [];
let firstLoad = 0;
const progress = (m) => process.stderr.write(`bench-web: ${m}\n`);
for (let i = 0; i < runs; i++) {
  progress(`web app, run ${i + 1} of ${runs}`);
  const x = await cold();
  c.push(x.tti);
  firstLoad = x.bytes;
  w.push((await warm()).tti);
  bc.push((await cold({ stand: true })).tti);
  bw.push((await warm({ stand: true })).tti);
}
result.web = {
  firstLoadBytes: firstLoad,
  ttiColdMs: median(c),
  ttiWarmMs: median(w),
  baselineColdMs: median(bc),
  baselineWarmMs: median(bw),
};

// The widget: loader size, its wasm, click to ready on a host page.
const loader = readFileSync(join(web, 'murmur', 'widget.js'));
result.widget = {
  loaderGzipBytes: gzipSync(loader, { level: 9 }).length,
  wasmBrotliBytes: statSync(join(web, 'murmur', 'widget.wasm.br')).size,
  appWasmBrotliBytes: statSync(join(web, 'murmur', 'murmur.wasm.br')).size,
};
let serve;
const example = readFileSync(join(root, 'examples', 'embed', 'index.html'), 'utf8');
const host = await hostPage(() => example.replaceAll('MURMUR', serve.url));
serve = await startServe(app.url, ['--allow-origin', host.url]);
async function clickToReady(page) {
  await page.goto(host.url);
  const button = page.locator('murmur-chat#support').getByRole('button', { name: 'Open Support' });
  await button.waitFor();
  await page.evaluate(() => {
    window.__ready = new Promise((r) => document.querySelector('murmur-chat#support').addEventListener('murmur-ready', () => r(performance.now()), { once: true }));
  });
  const t0 = await page.evaluate(() => performance.now());
  await button.click();
  return (await page.evaluate(() => window.__ready)) - t0;
}
const wc = [], ww = [];
for (let i = 0; i < runs; i++) {
  progress(`widget, run ${i + 1} of ${runs}`);
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  // Warm: the same visitor back later (the first page closed: one page
  // holds a widget's storage at a time), with the browser's cache.
  const first = await ctx.newPage();
  wc.push(await clickToReady(first));
  await first.close();
  ww.push(await clickToReady(await ctx.newPage()));
  await ctx.close();
}
result.widget.clickToReadyColdMs = median(wc);
result.widget.clickToReadyWarmMs = median(ww);

await browser.close();
app.close();
serve.close();
host.close();

mkdirSync(join(root, 'build', 'artifacts'), { recursive: true });
writeFileSync(join(root, 'build', 'artifacts', 'bench-web.json'), JSON.stringify(result, null, 2) + '\n');
const mb = (b) => `${(b / 1e6).toFixed(2)} MB`;
const ms = (x) => `${Math.round(x)} ms`;
const r = result;
console.log(`bench-web on ${r.machine}, median of ${runs}`);
console.log(`  web app first load   ${mb(r.web.firstLoadBytes)} transferred (budget 2.0 MB)`);
console.log(`  web app TTI cold     ${ms(r.web.ttiColdMs)} (budget 1000 ms); UI alone ${ms(r.web.baselineColdMs)}: ×${(r.web.ttiColdMs / r.web.baselineColdMs).toFixed(2)}`);
console.log(`  web app TTI warm     ${ms(r.web.ttiWarmMs)} (budget 400 ms); UI alone ${ms(r.web.baselineWarmMs)}: ×${(r.web.ttiWarmMs / r.web.baselineWarmMs).toFixed(2)}`);
console.log(`  widget loader        ${(r.widget.loaderGzipBytes / 1024).toFixed(1)} KB gzip (budget 20 KB)`);
console.log(`  widget wasm          ${mb(r.widget.wasmBrotliBytes)} brotli (budget 1.2 MB); the app's ${mb(r.widget.appWasmBrotliBytes)}`);
console.log(`  widget click→ready   cold ${ms(r.widget.clickToReadyColdMs)} (budget 1500 ms), warm ${ms(r.widget.clickToReadyWarmMs)} (budget 500 ms)`);
