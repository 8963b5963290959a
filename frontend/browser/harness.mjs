// What the browser benchmark and checks share: a static server for the built
// page (browser/dist) on loopback, and Debian's Chromium through
// playwright-core with the flags that work here (nothing downloads a browser).
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(fileURLToPath(new URL('.', import.meta.url)), 'dist');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf' };

/** Serves root on 127.0.0.1; resolves to the page's URL and a close function. */
export async function serve(name) {
  if (!existsSync(join(root, 'render.html'))) {
    throw new Error(`${root}/render.html is missing: build the page first (npx vite build --config browser/vite.config.ts)`);
  }
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^([/\\])+/, '');
    if (path === 'favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const file = join(root, path || 'render.html');
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${server.address().port}/${name}`,
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => server.close(),
  };
}

export async function launch() {
  const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`no Chromium at ${executablePath}: apt-get install chromium, or set CHROMIUM`);
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Long tasks on the page's main thread (in a trace of the categories
 * 'toplevel' and 'blink.user_timing') by thread (CPU) time, not wall time:
 * on a shared machine a task can take 50 ms of wall time with 5 ms of its own.
 */
export function cpuLongTasks(trace, fromMark = 'murmur-run-start', toMark = 'murmur-run-settled') {
  const events = trace.traceEvents ?? trace;
  const names = new Map(events.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, e.args.name]));
  const byThread = new Map();
  for (const e of events) {
    if (e.ph === 'X' && (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') && names.get(`${e.pid}:${e.tid}`) === 'CrRendererMain') {
      const k = `${e.pid}:${e.tid}`;
      if (!byThread.has(k)) {
        byThread.set(k, []);
      }
      byThread.get(k).push(e);
    }
  }
  // only the run itself: from the page's start mark to its end mark (performance.mark)
  const at = (name) => events.find((e) => e.name === name)?.ts;
  const from = at(fromMark) ?? -Infinity;
  const to = at(toMark) ?? Infinity;
  const tasks = ([...byThread.values()].sort((a, b) => b.length - a.length)[0] ?? []).filter((e) => e.ts >= from && e.ts < to);
  const cpu = tasks.map((e) => (e.tdur ?? e.dur) / 1000);
  return {
    over50: cpu.filter((t) => t > 50).length,
    maxMs: Math.round(Math.max(0, ...cpu)),
    windowed: Number.isFinite(from) && Number.isFinite(to),
    threadTime: tasks.some((e) => e.tdur !== undefined),
  };
}
