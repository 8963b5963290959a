#!/usr/bin/env node
// The rendering benchmark (make bench-ui): for each case, runs the old
// renderer (baseline) and the new one, each in a fresh page, in the same run,
// on the page browser/dist/render.html in Debian's Chromium. The main
// thread's busy time comes from Chromium's own counters (CDP
// Performance.getMetrics: TaskDuration, in thread time) read at marks the
// page sets; long tasks and long animation frames come from
// PerformanceObserver in the page. Nothing here asserts a timing.
//
//   node browser/bench.mjs                      every case
//   node browser/bench.mjs stream-20k           one case (or name:mode)
//   CHROMIUM=/path/to/chromium node browser/bench.mjs
//   BENCH_IMPL=new node browser/bench.mjs       only the new renderer (while working on it)
//
// Results go to stdout and to build/artifacts/bench-ui.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuLongTasks, launch, serve } from './harness.mjs';

const out = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../build/artifacts/bench-ui.json');

const allCases = [
  { name: 'stream-20k', mode: 'stream' },
  { name: 'matrix-60', mode: 'stream' },
  { name: 'matrix-60', mode: 'open' },
  { name: 'inline-5000', mode: 'open' },
  { name: 'inline-5000', mode: 'stream' },
  { name: 'code-2000-lines', mode: 'stream' },
  { name: 'list-1000-items', mode: 'stream' },
];
const wanted = process.argv.slice(2);
const cases = wanted.length ? allCases.filter((c) => wanted.includes(c.name) || wanted.includes(`${c.name}:${c.mode}`)) : allCases;
if (cases.length === 0) {
  console.error(`bench-ui: no case matches ${wanted.join(' ')}; cases: ${allCases.map((c) => `${c.name}:${c.mode}`).join(' ')}`);
  process.exit(2);
}
const site = await serve('render.html');
const browser = await launch();

async function runOne(c, impl) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const marks = {};
  await page.exposeBinding('__mark', async (_src, name) => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
    marks[name] = { task: m.TaskDuration * 1000, script: m.ScriptDuration * 1000, layout: m.LayoutDuration * 1000, style: m.RecalcStyleDuration * 1000 };
  });
  await page.goto(site.url);
  await page.waitForFunction(() => document.title === 'ready');
  // the page's tasks with their thread time, to tell its own long tasks from
  // tasks that only took long because other processes had the CPU
  await browser.startTracing(page, { categories: ['toplevel', 'blink.user_timing'] });
  const r = await page.evaluate(([name, i, mode]) => window.bench.run(name, i, mode), [c.name, impl, c.mode]);
  r.cpuLongTasks = cpuLongTasks(JSON.parse((await browser.stopTracing()).toString()));
  await context.close();
  const span = (a, b, k = 'task') => (marks[a] && marks[b] ? marks[b][k] - marks[a][k] : NaN);
  r.mainThreadMs = Math.round(span('start', 'settled'));
  r.layoutStyleMs = Math.round(span('start', 'settled', 'layout') + span('start', 'settled', 'style'));
  r.mainPerTokenEarlyUs = Math.round((span('early-start', 'early-end') * 1000) / r.windowTokens);
  r.mainPerTokenLateUs = Math.round((span('late-start', 'late-end') * 1000) / r.windowTokens);
  r.lateOverEarly = Math.round((r.mainPerTokenLateUs / r.mainPerTokenEarlyUs) * 100) / 100;
  // where the time per token goes, early and late: script, layout, style (µs per token)
  r.perTokenBreakdownUs = Object.fromEntries(
    ['early', 'late'].map((w) => [
      w,
      Object.fromEntries(['task', 'script', 'layout', 'style'].map((k) => [k, Math.round((span(`${w}-start`, `${w}-end`, k) * 1000) / r.windowTokens)])),
    ]),
  );
  r.busyWhileStreaming = Math.round((span('start', 'streamed') / r.streamedMs) * 100) / 100;
  if (r.click) {
    r.click.mainThreadMs = Math.round(span('click-start', 'click-end'));
  }
  r.errors = errors;
  return r;
}

const results = [];
const fmt = (v) => (Number.isFinite(v) ? String(v) : '—');
console.log(`bench-ui: Chromium ${browser.version()}, ${cases.length} case(s), baseline then new, each in a fresh page`);
for (const c of cases) {
  for (const impl of (process.env.BENCH_IMPL ?? 'baseline,new').split(',')) {
    const t0 = Date.now();
    const r = await runOne(c, impl);
    results.push(r);
    console.log(
      [
        `${c.name}:${c.mode}`.padEnd(20),
        impl.padEnd(8),
        `tokens ${r.delivered}/${r.tokens}${r.capped ? ' (capped)' : ''}`,
        `main ${r.mainThreadMs} ms`,
        `longest task ${r.longtasks.maxMs} ms (${r.longtasks.over50} over 50 ms; by CPU time ${r.cpuLongTasks.maxMs} ms, ${r.cpuLongTasks.over50} over 50)`,
        `longest frame ${r.frames.maxMs} ms`,
        c.mode === 'stream' ? `per token ${fmt(r.mainPerTokenEarlyUs)} → ${fmt(r.mainPerTokenLateUs)} µs (×${fmt(r.lateOverEarly)})` : '',
        `shown ${r.streamedMs} ms, settled ${r.settledMs} ms${r.idle ? '' : ' (not idle)'}`,
        r.largeFormulas ? `${r.largeFormulas} formula(s) behind "Show formula"` : '',
        r.click ? `click: ${r.click.untilShownMs} ms, longest task ${r.click.longtasks.maxMs} ms` : '',
        r.errors.length ? `ERRORS: ${r.errors.join(' | ')}` : '',
        `(${Math.round((Date.now() - t0) / 1000)} s)`,
      ]
        .filter(Boolean)
        .join('  '),
    );
  }
}

console.log('\nnew vs baseline, same run:');
for (const c of cases) {
  const b = results.find((r) => r.case === c.name && r.mode === c.mode && r.impl === 'baseline');
  const n = results.find((r) => r.case === c.name && r.mode === c.mode && r.impl === 'new');
  if (!b || !n) {
    continue;
  }
  const ratio = (x, y) => (y > 0 ? `${Math.round((x / y) * 100) / 100}×` : '—');
  console.log(
    `  ${`${c.name}:${c.mode}`.padEnd(20)} main-thread time ${ratio(n.mainThreadMs, b.mainThreadMs)} of baseline;` +
      ` longest task ${n.longtasks.maxMs} vs ${b.longtasks.maxMs} ms (CPU time ${n.cpuLongTasks.maxMs} vs ${b.cpuLongTasks.maxMs} ms)` +
      (c.mode === 'stream' ? `; late/early per token ${fmt(n.lateOverEarly)} vs ${fmt(b.lateOverEarly)}` : ''),
  );
}
mkdirSync(resolve(out, '..'), { recursive: true });
writeFileSync(out, JSON.stringify({ chromium: browser.version(), date: new Date().toISOString(), results }, null, 2) + '\n');
console.log(`\nbench-ui: wrote ${out}`);
await browser.close();
site.close();
if (results.some((r) => r.errors.length)) {
  process.exit(1);
}
