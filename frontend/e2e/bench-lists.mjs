#!/usr/bin/env node
// The long-list benchmark (make bench-lists, issue 11's "smooth at any
// size"): the built app (dist/) against the Go stand-in, in Debian's
// Chromium through playwright-core, as the browser tests run it (it lives
// beside them in e2e/ because it drives the whole app and its seeded
// stand-in, where browser/ drives the renderer alone on its own page).
//
//   open    a conversation of 2,000 messages (paragraphs, code, lists, a few
//           formulas) opened from the list, against one of 20 in the same
//           run: click to the last message painted, and to its visible
//           formulas and code formatted; median of N runs.
//   list    first paint of a list of 10,000 conversations against one of 100
//           (from the app's start); then the 10,000 scrolled with the wheel
//           at a reader's pace, and flung to the bottom (every page loaded):
//           long tasks, frames over 16.7 and 33 ms.
//   search  typing a query into the search box over the 10,000.
//
// Long tasks are counted twice: by wall time (PerformanceObserver
// 'longtask', what a user feels on this shared machine) and by the page's
// own thread time (a CDP trace, as browser/bench.mjs does). Nothing here
// asserts a timing. Results: stdout and build/artifacts/bench-lists.json.
//
//   node e2e/bench-lists.mjs [open] [list] [search]
//   BENCH_RUNS=5 (open runs per size) BENCH_PACE_S=8 (seconds of paced scrolling)
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuLongTasks } from '../browser/harness.mjs';
import { launch, openApp, serve } from './harness.mjs';

const out = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../build/artifacts/bench-lists.json');
const runs = Number(process.env.BENCH_RUNS ?? 5);
const paceSeconds = Number(process.env.BENCH_PACE_S ?? 8);
const parts = process.argv.slice(2).length ? process.argv.slice(2) : ['open', 'list', 'search'];
for (const p of parts) {
  if (!['open', 'list', 'search'].includes(p)) {
    console.error(`bench-lists: no part ${p}; parts: open list search`);
    process.exit(2);
  }
}

// ---- what the stand-in is seeded with, generated in the page ------------
// (each runs as an init script: no closure, everything it needs inside)

/** Conversations of the open benchmark: a warm-up one, one of `short` and one of `long` messages. */
function seedConversations({ short, long }) {
  let s = 7;
  const rnd = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const words = ('the a of to and in that is for it with as on this be are by at from or an which can when you your more than ' +
    'request response stream token model buffer index cache value field error retry limit context thread channel worker frame ' +
    'layout render parse commit branch merge vector matrix gradient sample proof theorem kernel socket handler store query').split(' ');
  const sentence = () => {
    const n = 8 + Math.floor(rnd() * 16);
    const w = Array.from({ length: n }, () => pick(words));
    if (rnd() < 0.3) w[Math.floor(rnd() * n)] = `\`${pick(words)}${Math.floor(rnd() * 100)}\``;
    if (rnd() < 0.2) w[Math.floor(rnd() * n)] = `**${pick(words)}**`;
    const t = w.join(' ');
    return t[0].toUpperCase() + t.slice(1) + '.';
  };
  const paragraph = () => Array.from({ length: 2 + Math.floor(rnd() * 4) }, sentence).join(' ');
  const code = (k) => {
    const lang = pick(['go', 'python', 'ts', 'rust', 'sql']);
    const lines = 4 + Math.floor(rnd() * 22);
    const body = Array.from({ length: lines }, (_, i) => {
      const id = `${pick(words)}${k}_${i}`;
      switch (lang) {
        case 'go': return `\t${id} := compute(${i}, "${pick(words)}") // ${pick(words)}`;
        case 'python': return `    ${id} = compute(${i}, "${pick(words)}")  # ${pick(words)}`;
        case 'rust': return `    let ${id} = compute(${i}, "${pick(words)}"); // ${pick(words)}`;
        case 'sql': return `  ${id} INTEGER NOT NULL DEFAULT ${i},`;
        default: return `  const ${id} = compute(${i}, '${pick(words)}'); // ${pick(words)}`;
      }
    });
    return '```' + lang + '\n' + body.join('\n') + '\n```';
  };
  const inline = (k) => pick([`$x_{${k}}^2 + y_{${k}}$`, `$\\alpha_${k % 10} \\le \\beta$`, `$O(n \\log ${k % 9 + 2})$`, `$e^{i\\pi ${k}}$`]);
  const display = (k) => `$$\n\\sum_{i=1}^{${k}} \\frac{i^2}{${(k % 7) + 2}} = \\int_0^{${k}} f(t)\\,dt\n$$`;
  const reply = (k) => {
    const parts = [];
    const n = 1 + Math.floor(rnd() * 4);
    for (let i = 0; i < n; i++) {
      parts.push(rnd() < 0.12 ? `${paragraph()} Here ${inline(k * 10 + i)} holds.` : paragraph());
      if (i === 0 && rnd() < 0.35) parts.push(code(k));
      if (i === 0 && rnd() < 0.15) parts.push(Array.from({ length: 3 + Math.floor(rnd() * 4) }, () => `- ${sentence()}`).join('\n'));
      if (i === 0 && rnd() < 0.03) parts.push(display(k));
    }
    return parts.join('\n\n');
  };
  const convo = (id, title, n, updatedAt) => {
    const messages = [];
    for (let j = 0; j < n; j++) {
      const role = j % 2 === 0 ? 'user' : 'assistant';
      let content = role === 'user' ? Array.from({ length: 1 + Math.floor(rnd() * 3) }, sentence).join(' ') : reply(j);
      if (j === n - 1) content += `\n\nThe end of ${title}.`;
      messages.push({
        id: `${id}-m${j}`, parentId: j > 0 ? `${id}-m${j - 1}` : '', role, content, reasoning: '', status: 'complete',
        createdAt: '2026-01-01T00:00:00Z', alternatives: [`${id}-m${j}`], alternative: 0, continuable: false, attachments: [],
        model: role === 'assistant' ? 'gpt-4o' : '',
      });
    }
    return { id, title, createdAt: '2026-01-01T00:00:00Z', updatedAt, pinned: false, archived: false, providerId: '', model: '', params: {}, messages };
  };
  const now = Date.now();
  const at = (min) => new Date(now - min * 60_000).toISOString();
  window.__murmurE2E.given = [
    convo('warm', 'Warm-up conversation', 20, at(1)),
    convo('short', `Short conversation of ${short}`, short, at(2)),
    convo('long', `Long conversation of ${long}`, long, at(3)),
  ];
}

/** n conversations of two messages each, a third of a day apart (date groups), a fifth about Lisbon. */
function seedList({ n }) {
  const topics = ['Trip to Lisbon', 'Tax questions', 'Go generics', 'Bread recipe', 'Svelte runes'];
  const now = Date.now();
  const given = [];
  for (let i = 0; i < n; i++) {
    const topic = topics[i % 5];
    const id = `c${i}`;
    const m = (j, role, content) => ({
      id: `${id}-m${j}`, parentId: j ? `${id}-m0` : '', role, content, reasoning: '', status: 'complete', createdAt: '2026-01-01T00:00:00Z',
      alternatives: [`${id}-m${j}`], alternative: 0, continuable: false, attachments: [], model: role === 'assistant' ? 'gpt-4o' : '',
    });
    given.push({
      id, title: `Conversation ${i + 1}: ${topic}`, createdAt: '2026-01-01T00:00:00Z', updatedAt: new Date(now - i * 28_800_000).toISOString(),
      pinned: false, archived: false, providerId: '', model: '', params: {},
      messages: [m(0, 'user', `A question about ${topic.toLowerCase()}, number ${i + 1}?`), m(1, 'assistant', `An answer about ${topic.toLowerCase()} with **detail**.`)],
    });
  }
  window.__murmurE2E.given = given;
}

/** Records the first frame the list shows a row in (installed before the app starts). */
function probeFirstRow() {
  window.__firstRow = null;
  const tick = () => {
    if (document.querySelector('[aria-label="Conversation list"] button.item')) {
      const raf = performance.now();
      // a task queued from the frame's callback runs once that frame is painted
      setTimeout(() => (window.__firstRow = { raf, painted: performance.now() }), 0);
      return;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

// ---- what runs in the page -------------------------------------------------

/** Starts recording long tasks, long animation frames, frame intervals and slow input events. */
function startRecording() {
  const r = { longtasks: [], loaf: [], frames: [], events: [], observers: [], on: true };
  const watch = (type, into, extra = {}) => {
    try {
      const o = new PerformanceObserver((l) => {
        for (const e of l.getEntries()) into.push({ start: e.startTime, duration: e.duration, name: e.name, blocking: e.blockingDuration });
      });
      o.observe({ type, buffered: false, ...extra });
      r.observers.push(o);
    } catch {
      /* not supported: left empty */
    }
  };
  watch('longtask', r.longtasks);
  watch('long-animation-frame', r.loaf);
  watch('event', r.events, { durationThreshold: 16 });
  let last = 0;
  const tick = (t) => {
    if (!r.on) return;
    if (last) r.frames.push(t - last);
    last = t;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  window.__rec = r;
}

function stopRecording() {
  const r = window.__rec;
  r.on = false;
  for (const o of r.observers) o.disconnect();
  const max = (a) => Math.round(Math.max(0, ...a));
  return {
    longtasks: { count: r.longtasks.length, over50: r.longtasks.filter((e) => e.duration > 50).length, maxMs: max(r.longtasks.map((e) => e.duration)) },
    loaf: { count: r.loaf.length, maxMs: max(r.loaf.map((e) => e.duration)), maxBlockingMs: max(r.loaf.map((e) => e.blocking ?? 0)) },
    frames: {
      count: r.frames.length,
      over16: r.frames.filter((d) => d > 25).length, // over 16.7 ms: a frame missed (on time, intervals are 16.7 ms ± jitter; counted from 25)
      over33: r.frames.filter((d) => d > 33.4).length,
      maxMs: max(r.frames),
    },
    slowEvents: { count: r.events.length, maxMs: max(r.events.map((e) => e.duration)), names: [...new Set(r.events.map((e) => e.name))] },
  };
}

/** Clicks the list row titled `title` and times the conversation's last message painted, then formatted. */
async function openFromList([title, endText, markPrefix]) {
  const frame = () => new Promise((res) => requestAnimationFrame(res));
  const afterPaint = () => new Promise((res) => setTimeout(() => res(performance.now()), 0));
  const row = [...document.querySelectorAll('[aria-label="Conversation list"] button.item')].find((b) => b.textContent.includes(title));
  if (!row) throw new Error(`no row ${title} in the list`);
  // the pane's list of messages is there once a conversation is open
  const messages = () => document.querySelector('section[aria-label="Messages"]');
  const inView = (el) => {
    const a = el.getBoundingClientRect();
    const b = messages().getBoundingClientRect();
    return a.bottom > b.top && a.top < b.bottom && a.height > 0;
  };
  const lastShown = () => {
    const arts = messages()?.querySelectorAll('article') ?? [];
    const last = arts[arts.length - 1];
    return last && last.textContent.includes(endText) && inView(last) ? last : null;
  };
  const formatted = () => {
    for (const el of messages().querySelectorAll('.math-slot, .code-block')) {
      if (!inView(el)) continue;
      if (el.classList.contains('math-slot') && !el.classList.contains('math-done') && !el.classList.contains('math-large')) return false;
      if (el.classList.contains('code-block') && el.querySelector('.code-lang')?.textContent && !el.querySelector('code.hljs')) return false;
    }
    return true;
  };
  await new Promise((res) => setTimeout(res, 300)); // quiet before the click
  performance.mark(`${markPrefix}-start`);
  const t0 = performance.now();
  row.click();
  let shown = null;
  let done = null;
  while (performance.now() - t0 < 20_000) {
    await frame();
    if (!shown && lastShown()) shown = afterPaint();
    if (shown && formatted()) {
      done = afterPaint();
      break;
    }
  }
  const shownAt = shown ? await shown : NaN;
  const doneAt = done ? await done : NaN;
  // a few frames more: what settles after (measurements, the follow-the-end scroll)
  for (let i = 0; i < 10; i++) await frame();
  performance.mark(`${markPrefix}-end`);
  return {
    shownMs: Math.round(shownAt - t0),
    formattedMs: Math.round(doneAt - t0),
    articles: messages()?.querySelectorAll('article').length ?? 0,
    domNodes: messages()?.getElementsByTagName('*').length ?? 0,
    stillShown: Boolean(lastShown()),
    // when the last message was never seen: where the view was
    unseen: shown
      ? undefined
      : (() => {
          const el = messages();
          const arts = el?.querySelectorAll('article') ?? [];
          const last = arts[arts.length - 1];
          return {
            scrollTop: el?.scrollTop, scrollHeight: el?.scrollHeight, clientHeight: el?.clientHeight,
            lastText: last?.textContent.slice(-60), lastInView: last ? inView(last) : false,
          };
        })(),
  };
}

// ---- the parts ---------------------------------------------------------------

const median = (a) => {
  const s = a.filter(Number.isFinite).sort((x, y) => x - y);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};
const results = { chromium: '', date: new Date().toISOString(), machine: 'see the report: figures are ratios within this run', runs };
const errorsSeen = [];

async function withTrace(browser, page, fn) {
  await browser.startTracing(page, { categories: ['toplevel', 'blink.user_timing'] });
  try {
    return await fn();
  } finally {
    results.__trace = JSON.parse((await browser.stopTracing()).toString());
  }
}

async function benchOpen(browser, url) {
  const short = 20;
  const long = 2_000;
  const byKind = { short: [], long: [] };
  for (let run = 0; run < runs; run++) {
    const { page, context, errors } = await openApp(browser, url, { seed: { keys: true }, before: [[seedConversations, { short, long }]] });
    await page.getByRole('button', { name: /^Long conversation/ }).waitFor();
    // warm up (JIT, fonts, the formatting worker) on a conversation of its own
    await page.evaluate(openFromList, ['Warm-up conversation', 'The end of Warm-up', 'murmur-warm']);
    const order = run % 2 === 0 ? ['short', 'long'] : ['long', 'short'];
    const trace = await withTrace(browser, page, async () => {
      const rs = {};
      for (const kind of order) {
        const title = kind === 'short' ? `Short conversation of ${short}` : `Long conversation of ${long}`;
        await page.evaluate(startRecording);
        const r = await page.evaluate(openFromList, [title, `The end of ${title}`, `murmur-${kind}`]);
        rs[kind] = { ...r, ...(await page.evaluate(stopRecording)) };
      }
      return rs;
    }).then((rs) => {
      for (const kind of order) rs[kind].cpuLongTasks = cpuLongTasks(results.__trace, `murmur-${kind}-start`, `murmur-${kind}-end`);
      return rs;
    });
    for (const kind of order) byKind[kind].push(trace[kind]);
    errorsSeen.push(...errors.map((e) => e.message));
    await context.close();
    console.log(
      `  open run ${run + 1}/${runs} (${order.join(' then ')}): ` +
        order.map((k) => `${trace[k].unseen ? JSON.stringify(trace[k].unseen) : ''}${k} shown ${trace[k].shownMs} ms, formatted ${trace[k].formattedMs} ms, longest task ${trace[k].longtasks.maxMs} ms (CPU ${trace[k].cpuLongTasks.maxMs} ms)`).join('; '),
    );
  }
  const sum = (rs) => ({
    shownMs: median(rs.map((r) => r.shownMs)),
    formattedMs: median(rs.map((r) => r.formattedMs)),
    longestTaskMs: Math.max(...rs.map((r) => r.longtasks.maxMs)),
    longestCpuTaskMs: Math.max(...rs.map((r) => r.cpuLongTasks.maxMs)),
    over50: rs.reduce((a, r) => a + r.longtasks.over50, 0),
    cpuOver50: rs.reduce((a, r) => a + r.cpuLongTasks.over50, 0),
    articles: rs[0].articles,
    domNodes: rs[0].domNodes,
    runs: rs,
  });
  results.open = { short: { messages: short, ...sum(byKind.short) }, long: { messages: long, ...sum(byKind.long) } };
  results.open.longOverShort = Math.round((results.open.long.shownMs / results.open.short.shownMs) * 100) / 100;
}

async function openList(browser, url, n) {
  const app = await openApp(browser, url, { seed: { keys: true }, before: [[seedList, { n }], [probeFirstRow, null]] });
  await app.page.waitForFunction(() => window.__firstRow !== null);
  const firstPaint = await app.page.evaluate(() => Math.round(window.__firstRow.painted - performance.getEntriesByName('murmur-seeded')[0].startTime));
  return { ...app, firstPaint };
}

async function benchList(browser, url) {
  const paints = { 100: [], 10000: [] };
  for (let i = 0; i < 3; i++) {
    for (const n of i % 2 ? [10_000, 100] : [100, 10_000]) {
      const { context, firstPaint, errors } = await openList(browser, url, n);
      paints[n].push(firstPaint);
      errorsSeen.push(...errors.map((e) => e.message));
      await context.close();
    }
  }
  results.listFirstPaint = {
    of100Ms: median(paints[100]), of10000Ms: median(paints[10000]), runs: paints,
    ratio: Math.round((median(paints[10000]) / median(paints[100])) * 100) / 100,
  };
  console.log(`  first paint of the list: 100 conversations ${results.listFirstPaint.of100Ms} ms, 10,000 ${results.listFirstPaint.of10000Ms} ms (median of 3)`);

  const { page, context, errors } = await openList(browser, url, 10_000);
  const list = page.getByRole('list', { name: 'Conversation list' });
  const box = await list.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForTimeout(500);
  const state = () =>
    page.evaluate(() => {
      const el = document.querySelector('[aria-label="Conversation list"]');
      const rows = el.querySelectorAll('button.item');
      return { top: el.scrollTop, end: el.scrollTop + el.clientHeight >= el.scrollHeight - 4, last: rows[rows.length - 1]?.textContent ?? '' };
    });
  await withTrace(browser, page, async () => {
    // a reader's pace: a wheel notch (100 px) every 40 ms, in bursts of 10 with a pause between
    await page.evaluate(() => performance.mark('murmur-pace-start'));
    await page.evaluate(startRecording);
    const t0 = Date.now();
    while (Date.now() - t0 < paceSeconds * 1000) {
      for (let i = 0; i < 10; i++) {
        await page.mouse.wheel(0, 100);
        await page.waitForTimeout(40);
      }
      await page.waitForTimeout(250);
    }
    const pace = await page.evaluate(stopRecording);
    await page.evaluate(() => performance.mark('murmur-pace-end'));
    pace.scrolledPx = (await state()).top;
    pace.seconds = paceSeconds;

    // a fling to the bottom: 3,000 px every frame until the last of the 10,000 is in view
    await page.evaluate(() => performance.mark('murmur-fling-start'));
    await page.evaluate(startRecording);
    const t1 = Date.now();
    let s = await state();
    while (Date.now() - t1 < 60_000 && !(s.end && s.last.startsWith('Conversation 10000:'))) {
      await page.mouse.wheel(0, 3_000);
      await page.waitForTimeout(16);
      s = await state();
    }
    const fling = await page.evaluate(stopRecording);
    await page.evaluate(() => performance.mark('murmur-fling-end'));
    fling.reachedEnd = s.end && s.last.startsWith('Conversation 10000:');
    fling.seconds = Math.round((Date.now() - t1) / 100) / 10;
    fling.scrolledPx = s.top;
    results.scroll = { pace, fling };
  });
  results.scroll.pace.cpuLongTasks = cpuLongTasks(results.__trace, 'murmur-pace-start', 'murmur-pace-end');
  results.scroll.fling.cpuLongTasks = cpuLongTasks(results.__trace, 'murmur-fling-start', 'murmur-fling-end');
  for (const k of ['pace', 'fling']) {
    const r = results.scroll[k];
    console.log(
      `  scroll ${k}: ${r.scrolledPx} px in ${r.seconds} s${k === 'fling' ? (r.reachedEnd ? ', reached the end' : ', DID NOT reach the end') : ''}; ` +
        `long tasks ${r.longtasks.over50} (longest ${r.longtasks.maxMs} ms; by CPU ${r.cpuLongTasks.over50}, longest ${r.cpuLongTasks.maxMs} ms); ` +
        `frames ${r.frames.count}, over 16.7 ms ${r.frames.over16}, over 33 ms ${r.frames.over33}, longest ${r.frames.maxMs} ms`,
    );
  }
  if (parts.includes('search')) {
    await benchSearch(browser, page);
  }
  errorsSeen.push(...errors.map((e) => e.message));
  await context.close();
}

/** Types a query into the search box of a page showing 10,000 conversations (all loaded by the fling). */
async function benchSearch(browser, page) {
  const search = page.getByLabel('Search conversations');
  await search.click();
  await page.waitForTimeout(300);
  await withTrace(browser, page, async () => {
    await page.evaluate(() => performance.mark('murmur-search-start'));
    await page.evaluate(startRecording);
    await page.evaluate(() => document.querySelector('input[aria-label="Search conversations"]').addEventListener('input', () => (window.__lastKey = performance.now())));
    await search.pressSequentially('lisbon', { delay: 120 });
    const typed = await page.evaluate(() => window.__lastKey);
    await page.locator('ul[aria-label="Search results"] mark').first().waitFor();
    const shown = await page.evaluate(() => new Promise((res) => requestAnimationFrame(() => setTimeout(() => res(performance.now()), 0))));
    await page.keyboard.press('Escape');
    await page.getByRole('list', { name: 'Conversation list' }).waitFor();
    await page.waitForTimeout(300);
    const r = await page.evaluate(stopRecording);
    await page.evaluate(() => performance.mark('murmur-search-end'));
    r.lastKeyToResultsMs = Math.round(shown - typed);
    r.hits = await page.locator('ul[aria-label="Search results"] li').count();
    results.search = r;
  });
  results.search.cpuLongTasks = cpuLongTasks(results.__trace, 'murmur-search-start', 'murmur-search-end');
  const r = results.search;
  console.log(
    `  search "lisbon" over 10,000 (and Escape back to the list): results ${r.lastKeyToResultsMs} ms after the last key (200 ms of it the box's debounce); ` +
      `slowest input event ${r.slowEvents.maxMs} ms; long tasks ${r.longtasks.over50} (longest ${r.longtasks.maxMs} ms; by CPU ${r.cpuLongTasks.over50}, longest ${r.cpuLongTasks.maxMs} ms)`,
  );
}

// ---- main --------------------------------------------------------------------

const server = await serve();
const browser = await launch();
results.chromium = browser.version();
console.log(`bench-lists: Chromium ${browser.version()}; parts: ${parts.join(', ')}`);
const t0 = Date.now();
try {
  if (parts.includes('open')) await benchOpen(browser, server.url);
  if (parts.includes('list') || parts.includes('search')) await benchList(browser, server.url);
} finally {
  delete results.__trace;
  results.errors = errorsSeen;
  mkdirSync(resolve(out, '..'), { recursive: true });
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  await browser.close();
  await server.close();
}

const row = (what, value, note = '') => console.log(`  ${what.padEnd(52)} ${String(value).padStart(9)}  ${note}`);
console.log('\nbench-lists (targets: 2,000 messages painted in 300 ms; no long task scrolling 10,000):');
if (results.open) {
  const { short, long } = results.open;
  row(`open ${short.messages} messages: last message painted (median)`, `${short.shownMs} ms`, `formatted ${short.formattedMs} ms`);
  row(`open ${long.messages} messages: last message painted (median)`, `${long.shownMs} ms`, `formatted ${long.formattedMs} ms; ×${results.open.longOverShort} of ${short.messages}`);
  row(`open ${long.messages}: longest task (wall / CPU)`, `${long.longestTaskMs} ms`, `${long.longestCpuTaskMs} ms by CPU; ${long.over50} over 50 ms in ${runs} runs (${long.cpuOver50} by CPU)`);
}
if (results.listFirstPaint) {
  const f = results.listFirstPaint;
  row('list first paint: 100 / 10,000 conversations', `${f.of100Ms} ms`, `${f.of10000Ms} ms with 10,000 (×${f.ratio})`);
}
if (results.scroll) {
  for (const k of ['pace', 'fling']) {
    const r = results.scroll[k];
    row(`scroll 10,000 (${k}): long tasks over 50 ms (wall / CPU)`, r.longtasks.over50, `${r.cpuLongTasks.over50} by CPU; longest ${r.longtasks.maxMs} / ${r.cpuLongTasks.maxMs} ms`);
    row(`scroll 10,000 (${k}): frames over 16.7 / 33 ms`, `${r.frames.over16}/${r.frames.count}`, `${r.frames.over33} over 33 ms; longest ${r.frames.maxMs} ms`);
  }
}
if (results.search) {
  row('search over 10,000: results after the last key', `${results.search.lastKeyToResultsMs} ms`, `slowest input event ${results.search.slowEvents.maxMs} ms`);
}
console.log(`\nbench-lists: wrote ${out} (${Math.round((Date.now() - t0) / 1000)} s)`);
if (errorsSeen.length) {
  console.error(`bench-lists: the page reported errors:\n  ${errorsSeen.join('\n  ')}`);
  process.exit(1);
}
