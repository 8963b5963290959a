// Checks of the renderer that need a real browser: Chromium's own HTML
// parser under DOMPurify (jsdom is not the browser), the worker under the
// app's Content-Security-Policy, layout (a long line must not widen the
// message), and images loading only when asked. check.mjs runs them in
// make test; each returns the problems it found, none when all is well.
import { PageFormatter } from '../src/lib/render/formatter';
import { renderWhole, StreamRenderer } from '../src/lib/render/renderer';
import { createSanitizer } from '../src/lib/render/sanitize';
import { FrameScheduler } from '../src/lib/render/scheduler';
import { pageService, RenderService } from '../src/lib/render/service';
import { hostileFormatterHTML, hostileHTML, hostileMarkdown, inertProblems } from '../src/test/hostile';
import { shownHTML } from '../src/test/shown';
import { ordinaryReply } from './corpus';

const frame = () => new Promise<void>((res) => requestAnimationFrame(() => res()));

async function idle(r?: StreamRenderer): Promise<void> {
  const s = pageService();
  for (let i = 0; i < 2_000; i++) {
    await frame();
    if (s.scheduler.pending === 0 && s.waiting === 0 && !r?.behind) {
      await frame();
      return;
    }
  }
  throw new Error('the renderer did not finish its queued work within 2,000 frames');
}

function box(width = 700): HTMLElement {
  const el = document.createElement('div');
  el.className = 'md';
  el.style.width = `${width}px`;
  document.getElementById('out')!.append(el);
  return el;
}

/** Streams text into a fresh renderer in n pieces and waits until everything is in place. */
async function stream(text: string, n: number, el = box(), copy?: (t: string) => boolean): Promise<StreamRenderer> {
  const r = new StreamRenderer(el, { service: pageService(), copy });
  for (let i = 1; i <= n; i++) {
    r.update(text.slice(0, Math.round((i * text.length) / n)));
    await frame();
  }
  await idle(r);
  return r;
}

async function hostile(): Promise<string[]> {
  const problems: string[] = [];
  for (const [name, src] of hostileMarkdown) {
    const a = box();
    const r = await stream(src, 8, a);
    const b = box();
    renderWhole(b, src, pageService());
    await idle();
    for (const p of [...inertProblems(a, true), ...inertProblems(b, true)]) {
      problems.push(`${name}: ${p}`);
    }
    if (shownHTML(a) !== b.innerHTML) {
      problems.push(`${name}: streamed and rendered at once differ`);
    }
    r.destroy();
    a.remove();
    b.remove();
  }
  return problems;
}

/**
 * Chromium's parser under DOMPurify, where mutation XSS would show, on raw
 * HTML and on what a compromised formatter could hand back. (Parsing
 * the dirty HTML makes Chromium report the inline handlers it blocks under the
 * page's policy, even in an inert document: check.mjs expects those reports
 * here and nowhere else.)
 */
async function sanitizer(): Promise<string[]> {
  const problems: string[] = [];
  const s = createSanitizer();
  for (const html of hostileHTML) {
    const t = document.createElement('template');
    t.innerHTML = s.sanitizeToString(html);
    for (const p of [...inertProblems(s.sanitize(html)), ...inertProblems(t.content)]) {
      problems.push(`sanitising ${html}: ${p}`);
    }
  }
  // what a compromised formatter could hand back
  const scheduler = new FrameScheduler();
  const bad = new RenderService({ scheduler, formatter: new PageFormatter(scheduler, (job) => ({ key: job.key, html: hostileFormatterHTML })) });
  const el = box();
  const r = new StreamRenderer(el, { service: bad });
  r.update('Inline $x$ and\n\n$$\ny\n$$\n\n```js\nlet a = 1;\n```\n');
  for (let i = 0; i < 200 && (scheduler.pending > 0 || bad.waiting > 0); i++) {
    await frame();
  }
  if (el.querySelectorAll('.math-done').length !== 2 || !el.querySelector('code.hljs')) {
    problems.push('the hostile formatter results were not put in place');
  }
  for (const p of inertProblems(el, true)) {
    problems.push(`formatter output: ${p}`);
  }
  r.destroy();
  el.remove();
  return problems;
}

async function worker(): Promise<string[]> {
  const el = box();
  await stream('Euler: $e^{i\\pi}+1=0$ and\n\n$$\n\\frac{a}{b}\n$$\n\n```go\nfunc main() {}\n```\n', 3, el);
  const problems: string[] = [];
  const where = pageService().formatter.where;
  if (where !== 'worker') {
    problems.push(`formulas and code are formatted on the page, not in the worker (the worker did not start under the page's policy)`);
  }
  if (el.querySelectorAll('.math-done .katex').length !== 2) {
    problems.push(`expected 2 rendered formulas, found ${el.querySelectorAll('.math-done .katex').length}`);
  }
  if (!el.querySelector('code.hljs .hljs-keyword')) {
    problems.push('the Go code block was not highlighted');
  }
  el.remove();
  return problems;
}

async function equal(): Promise<string[]> {
  const problems: string[] = [];
  const texts = [ordinaryReply(1_500, 3), ordinaryReply(800, 4) + '\n[later]\n\n[later]: https://example.com/l\n'];
  for (const [i, text] of texts.entries()) {
    for (const n of [7, 31, 113]) {
      const a = box();
      const r = await stream(text, n, a);
      const b = box();
      renderWhole(b, text, pageService());
      await idle();
      if (shownHTML(a) !== b.innerHTML) {
        problems.push(`text ${i} in ${n} pieces: streamed and rendered at once differ`);
      }
      r.destroy();
      a.remove();
      b.remove();
    }
  }
  return problems;
}

async function layout(): Promise<string[]> {
  const problems: string[] = [];
  const long = 'x'.repeat(3_000);
  const text =
    'A line of code that is far too long:\n\n```js\nconst s = "' + long + '";\n```\n\n' +
    '| ' + Array.from({ length: 40 }, (_, i) => `column ${i}`).join(' | ') + ' |\n|' + '---|'.repeat(40) + '\n' +
    '| ' + Array.from({ length: 40 }, (_, i) => `value ${i}`).join(' | ') + ' |\n\n' +
    'A long word: https://example.com/' + 'a'.repeat(400) + ' and `' + 'b'.repeat(400) + '`.\n\n' +
    '$$\n' + Array.from({ length: 80 }, (_, i) => `x_{${i}}`).join(' + ') + '\n$$\n';
  const el = box(360);
  await stream(text, 5, el);
  const scrolls = (e: HTMLElement | null) =>
    !!e && e.scrollWidth > e.clientWidth && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX);
  if (!scrolls(el.querySelector<HTMLElement>('pre.code'))) {
    problems.push('the long line does not scroll inside its code block');
  }
  if (!scrolls(el.querySelector<HTMLElement>('.table-wrap'))) {
    problems.push('the wide table does not scroll inside its box');
  }
  if (!scrolls(el.querySelector<HTMLElement>('.math-block'))) {
    problems.push('the wide formula does not scroll inside its block');
  }
  // the conversation pane (like the app's) must not get a sideways scroll
  const pane = document.getElementById('pane')!;
  if (pane.scrollWidth > pane.clientWidth) {
    problems.push(`the conversation pane scrolls sideways (${pane.scrollWidth} px in ${pane.clientWidth} px)`);
  }
  for (const child of Array.from(el.querySelectorAll<HTMLElement>('.md-chunk > *, .md > *'))) {
    const r = child.getBoundingClientRect();
    if (r.width > 361) {
      problems.push(`<${child.tagName.toLowerCase()} class="${child.className}"> is ${Math.round(r.width)} px wide in a 360 px message`);
    }
  }
  if (el.scrollWidth > el.clientWidth + 1) {
    problems.push(`the message is ${el.scrollWidth} px wide inside, wider than its ${el.clientWidth} px`);
  }
  if (document.documentElement.scrollWidth > window.innerWidth) {
    problems.push('the page scrolls sideways');
  }
  el.remove();
  return problems;
}

/** Renders two remote images; clicks "Load image" on the first only. check.mjs watches the requests. */
async function images(): Promise<string[]> {
  const problems: string[] = [];
  const el = box();
  const r = await stream('One ![first](https://images.example/first.png) and two ![second](https://images.example/second.png).\n', 2, el);
  await new Promise((res) => setTimeout(res, 300));
  if (el.querySelector('img')) {
    problems.push('an image element exists before any click');
  }
  const buttons = el.querySelectorAll<HTMLButtonElement>('.image-load');
  if (buttons.length !== 2) {
    problems.push(`expected 2 Load image buttons, found ${buttons.length}`);
  } else {
    buttons[0]!.click();
    const img = el.querySelector('img');
    if (!img) {
      problems.push('no image after clicking Load image');
    } else {
      await new Promise((res) => {
        img.addEventListener('load', res, { once: true });
        img.addEventListener('error', res, { once: true });
        setTimeout(res, 3_000);
      });
      if (!img.complete || img.naturalWidth !== 1) {
        problems.push(`the clicked image did not load (complete ${img.complete}, width ${img.naturalWidth})`);
      }
    }
    if (el.querySelectorAll('img').length !== 1) {
      problems.push(`${el.querySelectorAll('img').length} images after one click`);
    }
  }
  r.destroy();
  el.remove();
  return problems;
}

async function copy(): Promise<string[]> {
  const copied: string[] = [];
  const el = box();
  const r = await stream('```py\nprint("hi")\n```\n', 2, el, (t) => {
    copied.push(t);
    return true;
  });
  el.querySelector<HTMLButtonElement>('.code-copy')?.click();
  await frame();
  r.destroy();
  el.remove();
  return copied.length === 1 && copied[0] === 'print("hi")\n' ? [] : [`copy gave ${JSON.stringify(copied)}`];
}

const all: Record<string, () => Promise<string[]>> = { worker, hostile, sanitizer, equal, layout, images, copy };

declare global {
  interface Window {
    checks: { names: string[]; run(name: string): Promise<string[]> };
  }
}

window.checks = {
  names: Object.keys(all),
  run: async (name) => {
    try {
      return await all[name]!();
    } catch (e) {
      return [`failed: ${e instanceof Error ? e.message : String(e)}`];
    }
  },
};
