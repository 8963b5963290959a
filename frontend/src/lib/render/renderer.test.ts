import { describe, expect, it } from 'vitest';
import { renderWhole, StreamRenderer } from './renderer';
import { shownHTML, streamed, testRenderer, testService } from '../../test/render';
import type { RenderService } from './service';

/** What the whole text looks like rendered as one markdown-it document. */
function whole(text: string, s: RenderService = testService()): string {
  const el = document.createElement('div');
  renderWhole(el, text, s);
  s.scheduler.flush();
  return el.innerHTML;
}

/** A small deterministic PRNG, so a failing split can be reproduced. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Texts chosen for what can change a block after it looks finished: setext
// underlines, tables that interrupt a paragraph, lists turning loose, lazy
// continuations, fences (closed, unclosed, tildes, longer closers), $$ math
// (closed, unclosed, with a blank line), references defined after use and
// redefined, titles on the next line, indented code, CRLF line ends.
const corpus: Record<string, string> = {
  basics:
    '# Title\n\nSome **bold** and *em* text with `code`, a [link](https://example.com) and https://example.org.\n\n' +
    '## Second\n\n> a quote\n> over two lines\n\n---\n\nThe end.\n',
  setext: 'para one\n===\n\npara two\nstill two\n---\n\n***\nnot a rule?\n\n- - -\n\nfoo\n***a\n',
  tables:
    'Intro line\n| a | b |\n|---|:-:|\n| 1 | 2 |\n| 3 | 4 |\nafter row\n\n| x |\n|--\n| y |\n\n|--x\nplain\n',
  lists:
    '- one\n- two\n\n- three (now loose)\n\n1. first\n2) other kind\n3. back\n\n- a\n  lazy\ncontinuation\n\n- b\n\n      indented in item\n\n* star\n+ plus\n',
  nested: '> - quote list\n>   more\n> > deeper\n>\n> back\n\n1. a\n   ```js\n   let x = 1;\n   ```\n2. b\n',
  fences:
    '```go\nfunc main() {\n\n\tprintln("hi")\n}\n```\n\n~~~\ntilde fence\n~~~\n\n````md\n```\ninner\n```\n````\n\n```\nclosed by longer\n`````\n\ntext\n\n```py\nunclosed = True\n\nmore = 1\n',
  math:
    'Inline $a^2+b^2=c^2$ and $$\\sum_i x_i$$ and a price of $5 or $10.\n\n$$\n\\frac{a}{b}\n$$\n\n$$x = 1$$\n\n$$\nunclosed\n\nblank line inside\n$$\n\n$$\n\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}\n$$\ntrailing\n',
  references:
    'See [later] and [Later Too][lt] and ![pic][img] and [missing].\n\n[later]: https://example.com/later\n\n' +
    'Text\n\n[lt]: https://example.com/lt\n  "a title\n  on two lines"\n\n[later]: https://example.com/ignored-second\n\n[img]: https://example.com/p.png\n',
  reference_titles:
    'Use [a], [b] and [c].\n\n[a]: https://example.com/a\n"title over\nthree\nlines"\n\n[b]: https://example.com/b\n(not a title) trailing\n\n' +
    '[c]: https://example.com/c\n\'single\nquoted\'\nnext para\n',
  references_in_quote: '[q] used before\n\n> [q]: https://example.com/q\n\nafter [q]\n',
  indented: 'para\n    not code (lazy)\n\n    code block\n    more\n\n\n    still code after blanks\nafter\n',
  crlf: 'line one\r\nline two\r\n\r\n# head\r\n\r\n- a\r\n- b\r\n\r\n```\r\ncode\r\n```\r\n',
  images: 'An image ![a cat](https://example.com/cat.png) inline.\n\n![data](data:image/png;base64,iVBORw0KGgo=)\n\n[![x](https://e.com/a.png)](https://e.com/)\n',
  html_off: '<div>raw html</div>\n\n<script>alert(1)</script>\n\ntext <b>bold</b>\n',
  headings_and_hr: '#\n# \n#not heading\n\n- \n-\n\n+++\n___\n\n text\n',
};

describe('StreamRenderer: streaming never changes the result', () => {
  for (const [name, text] of Object.entries(corpus)) {
    // One service per text: its caches only make the runs faster, never different.
    it(`${name}: every single split point`, { timeout: 60_000 }, () => {
      const s = testService();
      const want = whole(text, s);
      for (let c = 1; c < text.length; c++) {
        expect(streamed(text, [c], s), `split at ${c}: ${JSON.stringify(text.slice(0, c))}`).toBe(want);
      }
    });

    it(`${name}: one character at a time, and random pieces`, { timeout: 60_000 }, () => {
      const s = testService();
      const want = whole(text, s);
      expect(streamed(text, Array.from({ length: text.length }, (_, i) => i), s)).toBe(want);
      const rand = rng(name.length * 7919);
      for (let round = 0; round < 20; round++) {
        const cuts = Array.from({ length: 1 + Math.floor(rand() * 12) }, () => Math.floor(rand() * text.length));
        expect(streamed(text, cuts, s), `cuts ${cuts.join(',')}`).toBe(want);
      }
    });
  }

  it('matches the whole text at every step once queued work is done', { timeout: 60_000 }, () => {
    const text = corpus.fences! + corpus.math! + corpus.references!;
    const s = testService();
    const { el, r } = testRenderer(s);
    for (let c = 1; c <= text.length; c += 5) {
      r.update(text.slice(0, c));
      r.flush();
      expect(shownHTML(el), `at ${c}`).toBe(whole(text.slice(0, c), s));
    }
  });

  it('a long reply given at once renders in pieces that end up the same', { timeout: 60_000 }, () => {
    let text = '';
    for (let i = 0; i < 150; i++) {
      text += `## Part ${i}\n\nParagraph ${i} with $x_${i}$ and [a link](https://example.com/${i}).\n\n`;
    }
    const { el, r } = testRenderer(testService(), { syncChars: 2_000 });
    r.update(text);
    // only the first part is shown at once; the rest waits for frames
    expect(r.stats.pending).toBeGreaterThan(100);
    expect(el.querySelectorAll('h2').length).toBeLessThan(150);
    r.flush();
    expect(r.stats.pending).toBe(0);
    expect(shownHTML(el)).toBe(whole(text));
  });
});

describe('StreamRenderer: text replaced, not appended', () => {
  const cases: Array<[string, string, string]> = [
    ['regenerated reply', 'First answer.\n\nWith two paragraphs.\n', 'A different answer entirely.\n'],
    ['edit inside a finished block', '# A\n\npara one\n\npara two\n\npara three\n', '# A\n\npara ONE\n\npara two\n\npara three\n'],
    ['shorter', 'one\n\ntwo\n\nthree\n\nfour\n', 'one\n\ntwo\n'],
    ['empty', 'something\n\nmore\n', ''],
    ['reference removed', '[x]\n\nmore\n\n[x]: https://e.com\n\nend\n', '[x]\n\nmore\n\nend\n'],
    ['a fence opened above', 'a\n\nb\n\nc\n\nd\n', '```\na\n\nb\n\nc\n\nd\n'],
  ];
  it.each(cases)('%s', (_, before, after) => {
    const { el, r } = testRenderer();
    for (let c = 1; c <= before.length; c += 3) {
      r.update(before.slice(0, c));
    }
    r.update(before);
    r.flush();
    expect(shownHTML(el)).toBe(whole(before));
    r.update(after);
    r.flush();
    expect(shownHTML(el)).toBe(whole(after));
  });
});

describe('StreamRenderer: finished blocks are rendered once', () => {
  it('keeps the nodes of finished blocks while the reply grows', () => {
    const { el, r } = testRenderer();
    let text = 'The first paragraph.\n\n';
    r.update(text);
    text += 'Second.\n\nThird.\n\n';
    r.update(text);
    const first = el.querySelector('p')!;
    expect(first.textContent).toBe('The first paragraph.');
    for (let i = 0; i < 200; i++) {
      text += `Paragraph ${i} grows`;
      r.update(text);
      text += ' and ends.\n\n';
      r.update(text);
    }
    r.flush();
    expect(el.querySelector('p')).toBe(first);
    // what is parsed again on each update stays small
    expect(r.stats.tail).toBeLessThanOrEqual(3);
    expect(r.stats.finished).toBeGreaterThan(190);
  });

  it('extends the growing paragraph in place (a selection in it survives)', () => {
    const { el, r } = testRenderer();
    r.update('Hello');
    const p = el.querySelector('p')!;
    const t = p.firstChild!;
    r.update('Hello, wor');
    r.update('Hello, world');
    expect(el.querySelector('p')).toBe(p);
    expect(p.firstChild).toBe(t);
    expect(p.textContent).toBe('Hello, world');
  });

  it('grows a code block that is still open in place, then highlights it once closed', () => {
    const jobs: string[] = [];
    const s = testService({ jobs });
    const { el, r } = testRenderer(s);
    let text = 'Here:\n\n```ts\n';
    r.update(text);
    let node: Node | null = null;
    for (let i = 0; i < 60; i++) {
      text += `const x${i} = ${i};`;
      r.update(text);
      text += i % 9 === 8 ? '\n  \n' : '\n';
      r.update(text);
      const code = el.querySelector('.code-open code')!;
      if (i === 5) {
        node = code.firstChild;
      }
      if (i > 5) {
        expect(code.firstChild, `line ${i}`).toBe(node);
      }
    }
    expect(jobs).toEqual([]);
    r.flush();
    expect(shownHTML(el)).toBe(whole(text, s));
    text += '```\n\nAfter.\n';
    r.update(text);
    r.flush();
    expect(shownHTML(el)).toBe(whole(text, s));
    expect(el.querySelector('.code-open')).toBeNull();
    expect(el.querySelector('code.hljs .hljs-keyword')?.textContent).toBe('const');
  });

  it('highlights a finished code block once and keeps it while text follows', () => {
    const jobs: string[] = [];
    const { el, r } = testRenderer(testService({ jobs }));
    let text = '```go\nfunc main() {}\n```\n\n';
    r.update(text);
    r.flush();
    const block = el.querySelector('.code-block')!;
    expect(block.querySelector('.hljs-keyword')?.textContent).toBe('func');
    for (let i = 0; i < 50; i++) {
      text += `line ${i}\n\n`;
      r.update(text);
      r.flush();
    }
    expect(el.querySelector('.code-block')).toBe(block);
    expect(jobs.filter((k) => k.startsWith('go\n'))).toHaveLength(1);
  });

  it('renders a formula used again from the cache, without asking the formatter', () => {
    const jobs: string[] = [];
    const { el, r } = testRenderer(testService({ jobs }));
    r.update('$e^{i\\pi}$ once\n\n');
    r.flush();
    r.update('$e^{i\\pi}$ once\n\n$e^{i\\pi}$ twice\n\n$e^{i\\pi}$ three times\n');
    r.flush();
    expect(jobs).toHaveLength(1);
    expect(el.querySelectorAll('.math-done .katex')).toHaveLength(3);
  });

  it('renders again only the blocks that use a reference defined later', () => {
    const { el, r } = testRenderer();
    const text = 'Uses [ref].\n\nDoes not use it.\n\nNeither.\n\n';
    r.update(text);
    r.flush();
    const [uses, other] = Array.from(el.querySelectorAll('p'));
    expect(uses!.querySelector('a')).toBeNull();
    r.update(text + '[ref]: https://example.com/r\n\nend\n');
    r.flush();
    const ps = Array.from(el.querySelectorAll('p'));
    expect(ps[0]!.querySelector('a')?.getAttribute('href')).toBe('https://example.com/r');
    expect(ps[1]).toBe(other);
  });
});

describe('StreamRenderer: a tail block that is slow to render', () => {
  it('waits while it grows, and shows everything once the wait is over', () => {
    let now = 0;
    // every read of the clock takes 10 ms: each render of the tail looks slow
    const { el, r } = testRenderer(testService(), { throttle: true, clock: () => (now += 10) });
    let text = '- one\n';
    r.update(text);
    text += '- two\n';
    r.update(text); // the same block again, and it was slow: rendered, then it waits
    expect(el.querySelectorAll('li')).toHaveLength(2);
    text += '- three\n';
    r.update(text);
    expect(el.querySelectorAll('li')).toHaveLength(2);
    r.flush();
    expect(el.querySelectorAll('li')).toHaveLength(3);
    expect(shownHTML(el)).toBe(whole(text));
  });

  it('catches up by itself when no more text comes', async () => {
    let now = 0;
    const { el, r } = testRenderer(testService(), { throttle: true, clock: () => (now += 5) });
    r.update('- one\n');
    r.update('- one\n- two\n');
    r.update('- one\n- two\n- three\n');
    expect(el.querySelectorAll('li')).toHaveLength(2);
    // the wait is a few of this clock's milliseconds; the timer runs on real time
    await new Promise((res) => setTimeout(res, 300));
    expect(el.querySelectorAll('li')).toHaveLength(3);
  });
});

describe('StreamRenderer: lifecycle', () => {
  it('does nothing after destroy', () => {
    const { el, r } = testRenderer();
    r.update('one\n\n');
    r.destroy();
    r.update('one\n\ntwo\n\n');
    r.flush();
    expect(el.textContent?.trim()).toBe('one');
  });

  it('two renderers share the page service without mixing their text', () => {
    const service = testService();
    const a = testRenderer(service);
    const b = testRenderer(service);
    a.r.update('alpha $x$\n');
    b.r.update('beta $x$\n');
    a.r.flush();
    expect(a.el.textContent).toContain('alpha');
    expect(a.el.textContent).not.toContain('beta');
    expect(b.el.querySelector('.math-done')).not.toBeNull();
  });

  it('is a StreamRenderer on a plain element', () => {
    const el = document.createElement('div');
    const r = new StreamRenderer(el, { service: testService() });
    r.update('*hi*');
    expect(el.querySelector('em')?.textContent).toBe('hi');
  });
});
