#!/usr/bin/env node
// The memory benchmark (make bench-memory, issue 11's "at most 30 MiB above
// idle after three long streams"): the built app (dist/) against the Go
// stand-in in Debian's Chromium, as the browser tests run it. A long reply
// is streamed as the desktop benchmark streams it (the fake API's
// "/long 3500": 3,500 word-sized tokens of paragraphs, lists, code and
// tables, at 100 tokens/s), in a new chat each time, and the page's memory
// is read before, while and after each stream:
//
//   heap     V8's used and committed JS heap (CDP Runtime.getHeapUsage),
//            after a forced GC (HeapProfiler.collectGarbage) before and after,
//            sampled every 100 ms while it streams (the peak);
//   dom      DOM nodes, documents and listeners (CDP Memory.getDOMCounters);
//   pss      the PSS of Chromium's renderer processes from /proc (what the
//            desktop benchmark reads of WebKit's web process).
//
// Each figure is reported against the idle page in the same run. With
// BENCH_BASELINE_DIST=path/to/another/dist the same run measures that build
// too (the frontend before a change) and prints each figure's ratio to it.
// Nothing here asserts a figure. Results: stdout and
// build/artifacts/bench-memory.json.
//
//   node e2e/bench-memory.mjs
//   BENCH_STREAMS=3 BENCH_TOKENS=3500 BENCH_RATE=100 (tokens per second)
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openApp, serve } from './harness.mjs';
import { streamLong } from './bench-memory-stream.mjs';

const out = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../build/artifacts/bench-memory.json');
const streams = Number(process.env.BENCH_STREAMS ?? 3);
const tokens = Number(process.env.BENCH_TOKENS ?? 3500);
const rate = Number(process.env.BENCH_RATE ?? 100);
const baseline = process.env.BENCH_BASELINE_DIST ?? '';
const MiB = 1024 * 1024;

// ---- what runs in the page -------------------------------------------------

// ---- what the harness reads --------------------------------------------------

/** PSS in bytes of the browser's renderer processes (their ids from CDP SystemInfo.getProcessInfo). */
async function rendererPSS(bcdp) {
  const { processInfo } = await bcdp.send('SystemInfo.getProcessInfo');
  let total = 0;
  for (const p of processInfo) {
    if (p.type !== 'renderer') continue;
    try {
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p.id}/smaps_rollup`, 'utf8'));
      if (m) total += Number(m[1]) * 1024;
    } catch {
      // the process went away
    }
  }
  return total;
}

async function reading(cdp, bcdp, gc) {
  if (gc) {
    // twice: what the first frees can make more unreachable (weak maps, finalisers)
    await cdp.send('HeapProfiler.collectGarbage');
    await new Promise((r) => setTimeout(r, 200));
    await cdp.send('HeapProfiler.collectGarbage');
  }
  const heap = await cdp.send('Runtime.getHeapUsage');
  const dom = await cdp.send('Memory.getDOMCounters');
  return { heapUsed: heap.usedSize, heapTotal: heap.totalSize, nodes: dom.nodes, documents: dom.documents, listeners: dom.jsEventListeners, pss: await rendererPSS(bcdp) };
}

/** Streams into a new chat each time; readings idle, at the peak of each stream and after it (settled, GC'd). */
async function measure(browser, bcdp, url) {
  const { page, context, errors } = await openApp(browser, url, { seed: { keys: true, speed: 0 } });
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  const box = page.getByLabel('Message', { exact: true });
  const pane = page.getByRole('main', { name: 'Conversation' });
  await page.waitForTimeout(1000);
  const idle = await reading(cdp, bcdp, true);
  const runs = [];
  for (let i = 0; i < streams; i++) {
    await page.keyboard.press('Control+n');
    await box.fill(`/long ${tokens}`);
    await box.press('Enter');
    await page.waitForFunction(() => window.murmurFake.lastStarted() !== undefined && document.querySelector('[aria-label="Message"]')?.value === '');
    const peak = { heapUsed: 0, heapTotal: 0, pss: 0 };
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const r = await reading(cdp, bcdp, false);
        for (const k of Object.keys(peak)) peak[k] = Math.max(peak[k], r[k]);
        await new Promise((res) => setTimeout(res, 100));
      }
    })();
    const ms = await page.evaluate(streamLong, { n: tokens, rate });
    await pane.getByRole('article', { name: 'Assistant' }).last().getByRole('button', { name: 'Regenerate' }).waitFor();
    sampling = false;
    await sampler;
    await page.waitForTimeout(1500);
    const after = await reading(cdp, bcdp, true);
    runs.push({ streamMs: Math.round(ms), peak, after });
  }
  // (textContent: sealed chunks off screen have no innerText)
  const text = await pane.getByRole('article', { name: 'Assistant' }).last().evaluate((e) => e.textContent);
  if (!text.includes('Paragraph 1. ') || !text.includes('Paragraph 100. ')) throw new Error(`the streamed reply is not shown: ${JSON.stringify(text.slice(0, 300))}`);
  if (errors.length) throw new Error(`the page reported: ${errors.map((e) => e.message).join('; ')}`);
  await context.close();
  return { idle, runs };
}

const mib = (b) => Math.round((b / MiB) * 10) / 10;

function summary(r) {
  const last = r.runs.at(-1);
  const first = r.runs[0];
  return {
    idle: { heapUsedMiB: mib(r.idle.heapUsed), heapTotalMiB: mib(r.idle.heapTotal), pssMiB: mib(r.idle.pss), nodes: r.idle.nodes },
    firstStream: {
      peakHeapUsedMiB: mib(first.peak.heapUsed), peakHeapTotalMiB: mib(first.peak.heapTotal), peakPssMiB: mib(first.peak.pss),
      retainedHeapMiB: mib(first.after.heapUsed - r.idle.heapUsed), pssAboveIdleMiB: mib(first.after.pss - r.idle.pss),
      nodesAboveIdle: first.after.nodes - r.idle.nodes,
    },
    afterAll: {
      retainedHeapMiB: mib(last.after.heapUsed - r.idle.heapUsed), heapTotalAboveIdleMiB: mib(last.after.heapTotal - r.idle.heapTotal),
      pssAboveIdleMiB: mib(last.after.pss - r.idle.pss), nodesAboveIdle: last.after.nodes - r.idle.nodes,
      peakHeapUsedMiB: mib(Math.max(...r.runs.map((x) => x.peak.heapUsed))),
    },
  };
}

const builds = [['this build', undefined]];
if (baseline) builds.push(['baseline', resolve(baseline)]);
const browser = await launch();
const bcdp = await browser.newBrowserCDPSession();
const results = {};
try {
  for (const [name, dir] of builds) {
    const server = await serve(dir);
    try {
      const r = await measure(browser, bcdp, server.url);
      results[name] = { raw: r, summary: summary(r) };
      console.log(`bench-memory: ${name}:`, JSON.stringify(results[name].summary, null, 1));
    } finally {
      await server.close();
    }
  }
} finally {
  await browser.close();
}

const report = { streams, tokens, rate, machine: `load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`, results: {} };
for (const [k, v] of Object.entries(results)) report.results[k] = v.summary;
if (baseline) {
  const a = results['this build'].summary;
  const b = results.baseline.summary;
  const ratio = (x, y) => (y > 0 ? Math.round((x / y) * 100) / 100 : null);
  report.ratios = {
    retainedHeapAfterAll: ratio(a.afterAll.retainedHeapMiB, b.afterAll.retainedHeapMiB),
    peakHeapUsed: ratio(a.afterAll.peakHeapUsedMiB, b.afterAll.peakHeapUsedMiB),
    pssAboveIdleAfterAll: ratio(a.afterAll.pssAboveIdleMiB, b.afterAll.pssAboveIdleMiB),
    peakPssFirstStream: ratio(a.firstStream.peakPssMiB, b.firstStream.peakPssMiB),
    nodesAboveIdle: ratio(a.afterAll.nodesAboveIdle, b.afterAll.nodesAboveIdle),
  };
  console.log('bench-memory: this build against the baseline:', JSON.stringify(report.ratios));
}
mkdirSync(resolve(out, '..'), { recursive: true });
writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
console.log(`bench-memory: results in ${out}`);
