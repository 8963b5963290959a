// @vitest-environment jsdom
// Model output is hostile input: the cases (src/test/hostile.ts) run here in
// jsdom, and in Chromium through the browser checks (browser/check.mjs).
import { describe, expect, it } from 'vitest';
import { linkTarget } from './links';
import { renderWhole } from './renderer';
import { createSanitizer } from './sanitize';
import { hostileFormatterHTML, hostileHTML, hostileMarkdown, inertProblems } from '../../test/hostile';
import { streamed, testRenderer, testService } from '../../test/render';

/** Renders src in one pass and streamed one piece at a time; both must be inert (and equal). */
function renderBoth(src: string): HTMLElement {
  const service = testService();
  const el = document.createElement('div');
  renderWhole(el, src, service);
  service.scheduler.flush();
  const pieces = Array.from({ length: Math.min(src.length, 40) }, (_, i) => Math.floor((i * src.length) / 40));
  expect(streamed(src, pieces, service)).toBe(el.innerHTML);
  return el;
}

describe('rendering hostile model output', () => {
  it.each(hostileMarkdown)('%s renders inert, streamed or at once', (name, src) => {
    expect(inertProblems(renderBoth(src), true), name).toEqual([]);
  });

  it('shows raw HTML as text', () => {
    const el = renderBoth('<b>bold</b> and <i onclick="x">it</i>');
    expect(el.querySelector('b, i')).toBeNull();
    expect(el.textContent).toContain('<b>bold</b>');
  });

  it('keeps unsafe links as text without an href', () => {
    const el = renderBoth('[click](javascript:alert(1)) [rel](/x) [proto](//evil.example/)');
    expect(el.querySelector('a[href]')).toBeNull();
    expect(el.textContent).toContain('click');
  });

  it('keeps fence info out of attributes: the language label is text', () => {
    const el = renderBoth('```js" onclick="alert(1)\nx\n```');
    expect(el.querySelector('.code-lang')).toBeNull();
    const code = el.querySelector('code')!;
    expect(code.getAttributeNames().filter((n) => n !== 'class')).toEqual([]);
  });

  it('buttons in rendered output are only the renderer’s own', () => {
    const el = renderBoth('```js\nx\n```\n\n![a](https://example.com/a.png)');
    const buttons = Array.from(el.querySelectorAll('button')).map((b) => b.className);
    expect(buttons).toEqual(['code-copy', 'image-load']);
  });
});

describe('what the formatter hands back is sanitised too', () => {
  const hostile = hostileFormatterHTML;

  it('a formula', () => {
    const { el, r } = testRenderer(testService({ run: (job) => ({ key: job.key, html: hostile }) }));
    r.update('Inline $x$ and\n\n$$\ny\n$$\n');
    r.flush();
    expect(el.querySelectorAll('.math-done')).toHaveLength(2);
    expect(inertProblems(el)).toEqual([]);
  });

  it('highlighted code', () => {
    const { el, r } = testRenderer(testService({ run: (job) => ({ key: job.key, html: hostile }) }));
    r.update('```js\nlet a = 1;\n```\n');
    r.flush();
    const code = el.querySelector('code')!;
    expect(code.classList.contains('hljs')).toBe(true);
    expect(inertProblems(code)).toEqual([]);
  });
});

describe('the sanitiser on its own (DOMPurify fixtures)', () => {
  const s = createSanitizer();
  const cases = hostileHTML;
  it.each(cases)('%s', (html) => {
    expect(inertProblems(s.sanitize(html)), html).toEqual([]);
    const t = document.createElement('template');
    t.innerHTML = s.sanitizeToString(html);
    expect(inertProblems(t.content), html).toEqual([]);
  });

  it('keeps what rendered markdown needs', () => {
    const f = s.sanitize('<p><a href="https://example.com" rel="noopener">x</a> <code class="hljs">y</code></p>');
    expect(f.querySelector('a')?.getAttribute('href')).toBe('https://example.com');
    expect(f.querySelector('code')?.className).toBe('hljs');
  });
});

describe('remote images', () => {
  it('shows a link and a Load image button, never an image, until asked', () => {
    const { el, r } = testRenderer();
    r.update('![a cat](https://example.com/cat.png)');
    r.flush();
    expect(el.querySelector('img')).toBeNull();
    const a = el.querySelector('.image-slot a')!;
    expect(a.getAttribute('href')).toBe('https://example.com/cat.png');
    expect(a.textContent).toContain('a cat');
    expect(el.querySelector('.image-load')?.textContent).toBe('Load image');
  });

  it('loads only the image whose button was clicked', () => {
    const { el, r } = testRenderer();
    r.update('![one](https://example.com/1.png) and ![two](https://example.com/2.png)\n');
    r.flush();
    const [first] = Array.from(el.querySelectorAll<HTMLButtonElement>('.image-load'));
    first!.click();
    const imgs = Array.from(el.querySelectorAll('img'));
    expect(imgs.map((i) => i.getAttribute('src'))).toEqual(['https://example.com/1.png']);
    expect(imgs[0]!.getAttribute('referrerpolicy')).toBe('no-referrer');
    expect(el.querySelectorAll('.image-load')).toHaveLength(1);
  });

  it('keeps a loaded image while the reply grows around it', () => {
    const { el, r } = testRenderer();
    let text = 'Look: ![one](https://example.com/1.png)';
    r.update(text);
    r.flush();
    el.querySelector<HTMLButtonElement>('.image-load')!.click();
    const img = el.querySelector('img');
    for (const more of [' and', ' more', ' text.\n\nNext paragraph.']) {
      text += more;
      r.update(text);
      r.flush();
    }
    expect(el.querySelector('img')).toBe(img);
  });

  it('offers no button for images that may not be loaded', () => {
    for (const src of ['http://example.com/a.png', 'data:image/png;base64,iVBORw0KGgo=', '/local.png', 'https://user:pw@example.com/a.png']) {
      const el = renderBoth(`![x](${src})`);
      expect(el.querySelector('.image-load'), src).toBeNull();
      expect(el.querySelector('img'), src).toBeNull();
    }
  });
});

describe('code blocks', () => {
  it('have the language label and a copy button that copies the code', async () => {
    const copied: string[] = [];
    const { el, r } = testRenderer(testService(), {
      copy: (t) => {
        copied.push(t);
        return true;
      },
    });
    r.update('```python\nprint("hi")\n```\n');
    r.flush();
    expect(el.querySelector('.code-lang')?.textContent).toBe('python');
    const button = el.querySelector<HTMLButtonElement>('.code-copy')!;
    button.click();
    await Promise.resolve();
    await Promise.resolve();
    expect(copied).toEqual(['print("hi")\n']);
    expect(button.textContent).toBe('Copied');
  });

  it('say so when copying fails', async () => {
    const { el, r } = testRenderer(testService(), { copy: () => Promise.reject(new Error('no clipboard')) });
    r.update('```\nx\n```\n');
    r.flush();
    const button = el.querySelector<HTMLButtonElement>('.code-copy')!;
    button.click();
    await new Promise((res) => setTimeout(res, 0));
    expect(button.textContent).toBe('Copy failed');
  });

  it('lay long code out in groups of lines, plain and highlighted alike, with the same text', () => {
    // a comment that runs across the first group's end must stay a comment on both sides
    const lines = ['/* a comment', ...Array.from({ length: 70 }, (_, i) => `   line ${i} of it`), '*/', ...Array.from({ length: 100 }, (_, i) => `let v${i} = ${i};`)];
    const code = lines.join('\n') + '\n';
    const plain = renderBoth('```\n' + code + '```\n');
    const lit = renderBoth('```js\n' + code + '```\n');
    for (const el of [plain, lit]) {
      const groups = Array.from(el.querySelectorAll('code > .code-lines'));
      expect(groups.map((g) => g.textContent!.split('\n').length - 1)).toEqual([64, 64, 44]);
      expect(el.querySelector('code')!.textContent).toBe(code);
    }
    const second = lit.querySelectorAll('code > .code-lines')[1]!;
    expect(second.firstElementChild?.className).toBe('hljs-comment');
    expect(second.querySelector('.hljs-comment')?.textContent).toContain('*/');
    expect(lit.querySelectorAll('code > .code-lines')[2]!.querySelector('.hljs-keyword')?.textContent).toBe('let');
  });

  it('are not highlighted while their code is still arriving', () => {
    const jobs: string[] = [];
    const { el, r } = testRenderer(testService({ jobs }));
    let text = '```go\n';
    for (let i = 0; i < 30; i++) {
      text += `x := ${i}\n`;
      r.update(text);
      r.flush();
    }
    expect(jobs).toEqual([]);
    expect(el.querySelector('.code-block.code-open .code-copy')).not.toBeNull();
    r.update(text + '```\n');
    r.flush();
    expect(jobs).toHaveLength(1);
    expect(el.querySelector('.hljs-number')).not.toBeNull();
  });
});

describe('features', () => {
  it('renders ordinary markdown and safe links', () => {
    const el = renderBoth('# Title\n\nSome **bold** and [a link](https://example.com).');
    expect(el.querySelector('h1')?.textContent).toBe('Title');
    expect(el.querySelector('strong')?.textContent).toBe('bold');
    const a = el.querySelector('a');
    expect(a?.getAttribute('href')).toBe('https://example.com');
    expect(a?.getAttribute('rel')).toContain('noopener');
  });

  it('linkifies bare URLs', () => {
    expect(renderBoth('see https://example.org/x now').querySelector('a')?.getAttribute('href')).toBe('https://example.org/x');
  });

  it('highlights a known language and leaves an unknown one plain', () => {
    const go = renderBoth('```go\nfunc main() {}\n```');
    expect(go.querySelector('code.hljs .hljs-keyword')?.textContent).toBe('func');
    expect(go.querySelector('.code-lang')?.textContent).toBe('go');
    const other = renderBoth('```brainfuck\n<+>\n```');
    expect(other.querySelector('code')?.textContent).toBe('<+>\n');
    expect(other.querySelector('code [class^="hljs"]')).toBeNull();
  });

  it('wraps a table so a wide one scrolls in its own box', () => {
    const el = renderBoth('| a | b |\n|---|---|\n| 1 | 2 |\n');
    expect(el.querySelector('.table-wrap > table td')?.textContent).toBe('1');
  });

  it('renders inline and block math with KaTeX', () => {
    expect(renderBoth('Euler: $e^{i\\pi}+1=0$.').querySelector('.math-done .katex')).not.toBeNull();
    expect(renderBoth('$$\n\\frac{a}{b}\n$$').querySelector('.math-block .katex-display')).not.toBeNull();
  });

  it('shows the TeX source of a formula until it is rendered', () => {
    const { el, r } = testRenderer();
    r.update('Euler: $e^{i\\pi}+1=0$.');
    const slot = el.querySelector('.math-slot')!;
    expect(slot.textContent).toBe('$e^{i\\pi}+1=0$');
    expect(slot.querySelector('.katex')).toBeNull();
    r.flush();
    expect(slot.querySelector('.katex')).not.toBeNull();
  });

  it('keeps the SVG glyphs KaTeX draws (square roots) with their geometry', () => {
    const svg = renderBoth('$\\sqrt{x}$').querySelector('svg');
    expect(svg?.getAttribute('viewBox') ?? svg?.getAttribute('viewbox')).toBeTruthy();
    expect(svg?.querySelector('path')?.getAttribute('d')).toBeTruthy();
  });

  it('leaves prices alone', () => {
    const el = renderBoth('It costs $5 and $10.');
    expect(el.querySelector('.math-slot')).toBeNull();
    expect(el.textContent).toContain('$5 and $10');
  });

  it('shows a bad formula as KaTeX reports it instead of failing', () => {
    const el = renderBoth('$\\frac{a$');
    expect(el.querySelector('.katex, .katex-error')).not.toBeNull();
  });

  it('puts a large formula behind a Show formula button', () => {
    const service = testService({ limits: { mathAutoChars: 2_000 } });
    const { el, r } = testRenderer(service);
    const rows = Array.from({ length: 12 }, (_, i) => Array.from({ length: 12 }, (_, j) => `${(i * j) % 10}`).join(' & '));
    r.update(`$$\n\\begin{bmatrix}${rows.join(' \\\\ ')}\\end{bmatrix}\n$$\n`);
    r.flush();
    const slot = el.querySelector('.math-slot')!;
    expect(slot.querySelector('.katex')).toBeNull();
    expect(slot.textContent).toContain('\\begin{bmatrix}');
    const show = slot.querySelector<HTMLButtonElement>('.math-show')!;
    expect(show.textContent).toBe('Show formula');
    show.click();
    expect(slot.querySelector('.katex')).not.toBeNull();
    expect(slot.querySelector('.math-show')).toBeNull();
  });
});

describe('linkTarget', () => {
  it('finds the href of the clicked link', () => {
    const el = renderBoth('[**x**](https://example.com/p)');
    const strong = el.querySelector('strong')!;
    const ev = new MouseEvent('click', { bubbles: true });
    Object.defineProperty(ev, 'target', { value: strong });
    expect(linkTarget(ev)).toBe('https://example.com/p');
  });

  it('is not a link when the click is on one of the renderer’s buttons', () => {
    const el = renderBoth('[![x](https://example.com/a.png)](https://example.com/)');
    const button = el.querySelector('.image-load')!;
    const ev = new MouseEvent('click', { bubbles: true });
    Object.defineProperty(ev, 'target', { value: button });
    expect(linkTarget(ev)).toBeNull();
  });
});
