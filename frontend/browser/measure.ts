// The benchmark in the page: streams a reply into #out with either renderer and records
// what the main thread went through. bench.mjs drives it and reads the main
// thread's busy time from Chromium (CDP) at the marks it is told of.
import { renderMarkdown } from './baseline';
import { StreamRenderer } from '../src/lib/render/renderer';
import { pageService } from '../src/lib/render/service';
import { inlineFormulas, longCode, longList, matrixReply, ordinaryReply, tokens } from './corpus';

type Impl = 'baseline' | 'new';
type Mode = 'stream' | 'open';

interface View {
  update(text: string): void;
  /** Nothing left to do (queued blocks, formulas on their way). */
  idle(): boolean;
  destroy(): void;
}

function mount(impl: Impl, el: HTMLElement): View {
  if (impl === 'baseline') {
    // what Markdown.svelte did: {@html renderMarkdown(text)} on every change
    return {
      update: (text) => {
        el.innerHTML = renderMarkdown(text);
      },
      idle: () => true,
      destroy: () => el.replaceChildren(),
    };
  }
  const service = pageService();
  const r = new StreamRenderer(el, { service, copy: () => true });
  return {
    update: (text) => r.update(text),
    idle: () => service.scheduler.pending === 0 && service.waiting === 0 && !r.behind,
    destroy: () => {
      r.destroy();
      el.replaceChildren();
    },
  };
}

const texts: Record<string, () => string> = {
  'stream-20k': () => tokens(ordinaryReply(20_000)).slice(0, 20_000).join(''),
  'matrix-60': () => matrixReply(60, 1_000),
  'inline-5000': () => inlineFormulas(5_000),
  'code-2000-lines': () => longCode(2_000),
  'list-1000-items': () => longList(1_000),
};

declare global {
  interface Window {
    __mark?: (name: string) => Promise<void>;
    bench: { run(c: string, impl: Impl, mode: Mode, opts?: { rate?: number; capMs?: number; keep?: boolean }): Promise<unknown> };
  }
}

const frame = () => new Promise<number>((res) => requestAnimationFrame(res));
const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

async function waitIdle(view: View, capMs: number): Promise<boolean> {
  const start = performance.now();
  for (;;) {
    await frame();
    if (view.idle()) {
      // one more frame so what was inserted last is laid out and painted
      await frame();
      return true;
    }
    if (performance.now() - start > capMs) {
      return false;
    }
  }
}

/** Renders a few thousand tokens of other text first, so both renderers run warm (JIT, fonts, worker). */
async function warmUp(impl: Impl) {
  const el = document.getElementById('warm')!;
  const view = mount(impl, el);
  const toks = tokens(ordinaryReply(3_000, 99) + '\n\n$x^2$ and $$\\frac{a}{b}$$\n');
  let text = '';
  for (let i = 0; i < toks.length; i += 40) {
    text += toks.slice(i, i + 40).join('');
    view.update(text);
    await frame();
  }
  await waitIdle(view, 10_000);
  view.destroy();
}

interface Entry {
  startTime: number;
  duration: number;
  blockingDuration?: number;
}

function observe(type: string, into: Entry[]): PerformanceObserver | null {
  try {
    const o = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        into.push({ startTime: e.startTime, duration: e.duration, blockingDuration: (e as unknown as Entry).blockingDuration });
      }
    });
    o.observe({ type, buffered: false });
    return o;
  } catch {
    return null;
  }
}

function summary(entries: Entry[], from: number, to = Infinity) {
  const es = entries.filter((e) => e.startTime >= from && e.startTime < to);
  return {
    count: es.length,
    maxMs: Math.round(Math.max(0, ...es.map((e) => e.duration))),
    totalMs: Math.round(es.reduce((a, e) => a + e.duration, 0)),
    over50: es.filter((e) => e.duration > 50).length,
    maxBlockingMs: Math.round(Math.max(0, ...es.map((e) => e.blockingDuration ?? 0))),
  };
}

async function mark(name: string) {
  await window.__mark?.(name);
}

async function run(c: string, impl: Impl, mode: Mode, opts: { rate?: number; capMs?: number; keep?: boolean } = {}) {
  const rate = opts.rate ?? 1_000;
  const capMs = opts.capMs ?? 90_000;
  const text = texts[c]!();
  const toks = tokens(text);
  const n = toks.length;
  await warmUp(impl);
  await sleep(300);

  const pane = document.getElementById('pane')!;
  const el = document.getElementById('out')!;
  const view = mount(impl, el);
  const longtasks: Entry[] = [];
  const frames: Entry[] = [];
  const lt = observe('longtask', longtasks);
  const loaf = observe('long-animation-frame', frames);
  // the two windows the per-token cost is compared over, centred on 5 % and 95 % of the stream
  const w = Math.max(1, Math.round(n / 20));
  const marks = [
    { at: Math.round(n * 0.05 - w / 2), name: 'early-start' },
    { at: Math.round(n * 0.05 + w / 2), name: 'early-end' },
    { at: Math.round(n * 0.95 - w / 2), name: 'late-start' },
    { at: Math.round(n * 0.95 + w / 2), name: 'late-end' },
  ];
  const js = { early: 0, late: 0, total: 0 };
  let shown = 0;
  let current = '';
  let queued = false;
  const follow = () => {
    // like ConversationPane: keep the end of the reply in view
    pane.scrollTop = pane.scrollHeight;
  };
  const render = () => {
    queued = false;
    const t0 = performance.now();
    view.update(current);
    follow();
    const dt = performance.now() - t0;
    js.total += dt;
    if (shown >= marks[0]!.at && shown < marks[1]!.at) {
      js.early += dt;
    } else if (shown >= marks[2]!.at && shown < marks[3]!.at) {
      js.late += dt;
    }
  };
  const schedule = () => {
    if (!queued) {
      queued = true;
      requestAnimationFrame(render);
    }
  };

  await mark('start');
  await sleep(0); // start in a task of the page's own, not in the one that answered the mark
  performance.mark('murmur-run-start'); // bench.mjs finds these in its trace
  const start = performance.now();
  let capped = false;
  let delivered = 0;
  if (mode === 'open') {
    current = text;
    delivered = n;
    shown = n;
    render();
    await frame();
  } else {
    // Go coalesces deltas into one event every ~16 ms; deliver what is due at 1,000 tokens/s
    await new Promise<void>((done) => {
      let next = 0;
      const timer = setInterval(() => {
        const due = Math.min(n, Math.floor(((performance.now() - start) * rate) / 1_000));
        while (delivered < due) {
          current += toks[delivered]!;
          delivered++;
          while (next < marks.length && delivered >= marks[next]!.at) {
            void mark(marks[next]!.name);
            next++;
          }
        }
        shown = delivered;
        schedule();
        if (delivered >= n || performance.now() - start > capMs) {
          capped = delivered < n;
          clearInterval(timer);
          done();
        }
      }, 16);
    });
    await frame();
    await frame();
  }
  const streamed = performance.now() - start;
  await mark('streamed');
  const idle = await waitIdle(view, capMs);
  const settledAt = performance.now();
  performance.mark('murmur-run-settled');
  const settled = settledAt - start;
  await mark('settled');

  // a large formula waits for "Show formula": what does the click cost?
  let click: unknown = null;
  const show = el.querySelector<HTMLButtonElement>('.math-show');
  if (show) {
    const from = performance.now();
    await mark('click-start');
    show.click();
    const idleAfter = await waitIdle(view, 30_000);
    await mark('click-end');
    click = { untilShownMs: Math.round(performance.now() - from), idle: idleAfter, longtasks: summary(longtasks, from), frames: summary(frames, from) };
  }

  lt?.disconnect();
  loaf?.disconnect();
  const result = {
    case: c,
    impl,
    mode,
    tokens: n,
    delivered,
    chars: text.length,
    capped,
    idle,
    streamedMs: Math.round(streamed),
    settledMs: Math.round(settled),
    jsRenderMs: Math.round(js.total),
    jsPerTokenEarlyUs: Math.round((js.early * 1000) / w),
    jsPerTokenLateUs: Math.round((js.late * 1000) / w),
    windowTokens: w,
    longtasks: summary(longtasks, start, settledAt),
    frames: summary(frames, start, settledAt),
    domNodes: el.getElementsByTagName('*').length,
    formulasShown: el.querySelectorAll('.katex').length,
    formulasWaiting: el.querySelectorAll('.math-slot:not(.math-done)').length,
    largeFormulas: el.querySelectorAll('.math-large').length,
    click,
  };
  if (!opts.keep) {
    view.destroy();
  }
  return result;
}

window.bench = { run };
