// @vitest-environment jsdom
// Model output is hostile input. These cases are written from the XSS corpora
// others keep (markdown-it's xss.txt fixture, DOMPurify's test fixtures, the
// OWASP XSS filter evasion cheat sheet), aimed at what can reach our DOM:
// markdown links, images, references and autolinks; code fence info strings;
// KaTeX commands; and the HTML the formatter hands back.
import { describe, expect, it } from 'vitest';
import { linkTarget } from './links';
import { renderWhole } from './renderer';
import { createSanitizer } from './sanitize';
import { streamed, testRenderer, testService } from '../../test/render';

const loaders =
  'script,iframe,frame,object,embed,img,image,picture,video,audio,source,style,link,meta,base,form,input,button,textarea,select,use,foreignObject,feImage,animate,set,template,svg image';

/** Asserts the HTML of rendered output has nothing that runs, embeds or loads, and only safe link targets. */
function assertInert(root: ParentNode, what: string, allowButtons = false) {
  const found = Array.from(root.querySelectorAll(loaders)).filter((el) => !(allowButtons && el.tagName === 'BUTTON'));
  expect(found.map((e) => e.outerHTML), what).toEqual([]);
  for (const el of Array.from(root.querySelectorAll('*'))) {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      expect(name.startsWith('on'), `${name} in ${what}`).toBe(false);
      expect(['src', 'srcset', 'action', 'formaction', 'background', 'poster', 'ping', 'target', 'srcdoc'], what).not.toContain(name);
      if (name === 'href' || name === 'xlink:href') {
        expect(attr.value, what).toMatch(/^(https?:|mailto:)/i);
      }
      expect(attr.value, `${name} in ${what}`).not.toMatch(/javascript:|vbscript:|data:/i);
      if (name === 'style') {
        expect(attr.value, what).not.toMatch(/url\s*\(|expression|javascript:|@import/i);
      }
    }
  }
}

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

const payloads: Array<[string, string]> = [
  // raw HTML is off: all of these must come out as text
  ['script tag', '<script>alert(1)</script>'],
  ['script split by a line', '<scr\nipt>alert(1)</script>'],
  ['nested script', '<<script>alert("XSS");//<</script>'],
  ['img onerror', '<img src=x onerror=alert(1)>'],
  ['img without quotes or spaces', '<IMG SRC=javascript:alert(&quot;XSS&quot;)>'],
  ['svg onload', '<svg onload=alert(1)><circle r=1 /></svg>'],
  ['svg slash onload', '<SVG/ONLOAD=alert(1)>'],
  ['body onload with junk', '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>'],
  ['iframe', '<iframe src="https://evil.example/"></iframe>'],
  ['iframe srcdoc', '<iframe srcdoc="<script>alert(1)</script>"></iframe>'],
  ['details ontoggle', '<details open ontoggle=alert(1)>'],
  ['style with url()', '<style>body{background:url(https://evil.example/x)}</style><p style="background:url(https://evil.example/y)">x</p>'],
  ['mXSS noscript title', '<noscript><p title="</noscript><img src=x onerror=alert(1)>">'],
  ['mXSS svg style', '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">'],
  ['mXSS math mglyph', '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>'],
  ['form in math', '<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>'],
  ['object/embed', '<object data="x.swf"></object><embed src="x.swf">'],
  ['form', '<form action="https://evil.example"><button>go</button></form>'],
  ['meta refresh', '<meta http-equiv="refresh" content="0;url=https://evil.example">'],
  ['base href', '<base href="https://evil.example/">'],
  // markdown links (markdown-it xss.txt and OWASP scheme obfuscation)
  ['javascript: link', '[click](javascript:alert(1))'],
  ['mixed-case javascript: link', '[click](JaVaScRiPt:alert(1))'],
  ['entity-encoded javascript: link', '[click](&#106;avascript:alert(1))'],
  ['hex entity colon', '[xss link](javascript&#x3A;alert(1))'],
  ['double-encoded entity', '[xss link](&#x26;#74;avascript:alert(1))'],
  ['escaped entity', '[xss link](\\&#74;avascript:alert(1))'],
  ['angle-bracketed destination', '[xss link](<javascript:alert(1)>)'],
  ['tab inside the scheme', '[a](jav\tascript:alert(1))'],
  ['entity tab inside the scheme', '[a](jav&#x09;ascript:alert(1))'],
  ['leading spaces and control characters', '[a]( \u0001javascript:alert(1))'],
  ['file: link', '[xss link](file:///etc/passwd)'],
  ['relative link', '[normal link](/javascript:link)'],
  ['protocol-relative link', '[a](//evil.example/x)'],
  ['javascript: autolink', '<javascript:alert(1)>'],
  ['encoded javascript: autolink', '<javascript&#x3A;alert(1)>'],
  ['linkified javascript:', 'javascript:alert(1) and javascript&#x3A;alert(1)'],
  ['data: HTML link', '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
  ['vbscript link', '[x](vbscript:msgbox(1))'],
  ['link title injection', '[x](https://ok.example "a\\" onmouseover=\\"alert(1)")'],
  ['link text with quotes', '[" onmouseover="alert(1)](https://ok.example)'],
  ['reference to javascript:', '[test]\n\n[test]: javascript:alert(1)'],
  ['reference with a hostile title', '[t]\n\n[t]: https://ok.example "x\\" onclick=\\"alert(1)"'],
  // images are never loaded by rendering
  ['remote image', '![tracker](https://evil.example/pixel.png)'],
  ['http image', '![x](http://evil.example/pixel.png)'],
  ['data image', '![x](data:image/png;base64,iVBORw0KGgo=)'],
  ['svg data image', '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)'],
  ['javascript image', '![xss](javascript:alert(1))'],
  ['image alt injection', '![" onerror="alert(1)](https://evil.example/a.png)'],
  ['image inside link', '[![x](https://evil.example/a.png)](https://evil.example/)'],
  ['reference image', '![a][r]\n\n[r]: https://evil.example/r.png'],
  // code blocks
  ['html in code fence', '```html\n<script>alert(1)</script>\n```'],
  ['fence info with a quote', '```js" onclick="alert(1)\nx\n```'],
  ['fence info with html', '```<img src=x onerror=alert(1)>\nx\n```'],
  ['fence info with entities', '```js&#32;custom-class\ntest1\n```'],
  ['unclosed fence with html', '```\n<img src=x onerror=alert(1)>'],
  ['closing tag in code', '```js\n</code></pre><img src=x onerror=alert(1)>\n```'],
  ['inline code with html', '`<img src=x onerror=alert(1)>`'],
  // KaTeX: trust is off, so these must not produce links, styles or images
  ['katex href', '$\\href{javascript:alert(1)}{x}$'],
  ['katex url', '$$\\url{https://evil.example/}$$'],
  ['katex htmlStyle', '$\\htmlStyle{background:url(https://evil.example/)}{x}$'],
  ['katex htmlClass', '$\\htmlClass{code-copy}{x}$'],
  ['katex htmlId', '$\\htmlId{app}{x}$'],
  ['katex htmlData', '$\\htmlData{onclick=alert(1)}{x}$'],
  ['katex includegraphics', '$\\includegraphics{https://evil.example/a.png}$'],
  ['katex text with html', '$\\text{<img src=x onerror=alert(1)>}$'],
  ['katex huge rule', '$$\\rule{100000em}{100000em}$$'],
  ['katex recursive macro', '$\\def\\a{\\a\\a}\\a$'],
  ['katex in a link', '[$\\href{javascript:alert(1)}{x}$](javascript:alert(2))'],
];

describe('rendering hostile model output', () => {
  it.each(payloads)('%s renders inert, streamed or at once', (name, src) => {
    assertInert(renderBoth(src), name, true);
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
  const hostile =
    '<img src=x onerror=alert(1)><script>alert(2)</script><a href="javascript:alert(3)">a</a>' +
    '<span style="background:url(https://evil.example/)">s</span><svg><use href="#x"/><animate onbegin="alert(4)"/></svg>' +
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(5)">m</maction></math><iframe src="https://evil.example/">';

  it('a formula', () => {
    const { el, r } = testRenderer(testService({ run: (job) => ({ key: job.key, html: hostile }) }));
    r.update('Inline $x$ and\n\n$$\ny\n$$\n');
    r.flush();
    expect(el.querySelectorAll('.math-done')).toHaveLength(2);
    assertInert(el, 'formula', false);
  });

  it('highlighted code', () => {
    const { el, r } = testRenderer(testService({ run: (job) => ({ key: job.key, html: hostile }) }));
    r.update('```js\nlet a = 1;\n```\n');
    r.flush();
    const code = el.querySelector('code')!;
    expect(code.classList.contains('hljs')).toBe(true);
    assertInert(code, 'code');
  });
});

describe('the sanitiser on its own (DOMPurify fixtures)', () => {
  const s = createSanitizer();
  const cases = [
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href=" &#14;  javascript:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<math href="javascript:alert(1)">x</math>',
    '<div style="background-image: url(javascript:alert(1))">x</div>',
    '<div style="width: expression(alert(1))">x</div>',
    '<svg><set attributeName="href" to="javascript:alert(1)"/></svg>',
    '<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>',
    '<svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>',
    '<svg><feImage href="https://evil.example/x.png"/></svg>',
    '<input autofocus onfocus=alert(1)>',
    '<button formaction="javascript:alert(1)">x</button>',
    '<video poster="https://evil.example/p.png"></video>',
    '<a ping="https://evil.example/" href="https://ok.example/">x</a>',
    '<a target="_blank" href="https://ok.example/">x</a>',
    '<p id="app" name="x">clobber</p>',
    '<template><img src=x onerror=alert(1)></template>',
    '<link rel=stylesheet href="https://evil.example/x.css">',
    '<style>@import "https://evil.example/x.css";</style>',
    '<p data-x="1" onclick="alert(1)">x</p>',
  ];
  it.each(cases)('%s', (html) => {
    assertInert(s.sanitize(html), html);
    const t = document.createElement('template');
    t.innerHTML = s.sanitizeToString(html);
    assertInert(t.content, html);
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
    expect(other.querySelector('code span')).toBeNull();
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
