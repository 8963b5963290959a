import { describe, expect, it } from 'vitest';
import { linkTarget, renderMarkdown } from './markdown';

/** Parses HTML inertly (a template loads nothing). */
function parse(html: string): DocumentFragment {
  const t = document.createElement('template');
  t.innerHTML = html;
  return t.content;
}

const loaders = 'script,iframe,frame,object,embed,img,image,picture,video,audio,source,style,link,meta,base,form,use,foreignObject,feImage';

/** Asserts html contains nothing that runs, embeds or loads, and only safe link targets. */
function assertInert(html: string) {
  const root = parse(html);
  expect(root.querySelectorAll(loaders).length, html).toBe(0);
  for (const el of Array.from(root.querySelectorAll('*'))) {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      expect(name.startsWith('on'), `${name} in ${html}`).toBe(false);
      expect(['src', 'srcset', 'action', 'formaction', 'background'], html).not.toContain(name);
      if (name === 'href' || name === 'xlink:href') {
        expect(attr.value, html).toMatch(/^(https?:|mailto:)/i);
      }
      expect(attr.value, `${name} in ${html}`).not.toMatch(/javascript:|vbscript:|data:/i);
      if (name === 'style') {
        expect(attr.value, html).not.toMatch(/url\s*\(|expression|javascript:/i);
      }
    }
  }
  expect(html).not.toMatch(/<script/i);
}

describe('renderMarkdown: XSS and remote content', () => {
  const payloads: Array<[string, string]> = [
    ['script tag', '<script>alert(1)</script>'],
    ['img onerror', '<img src=x onerror=alert(1)>'],
    ['svg onload', '<svg onload=alert(1)><circle r=1 /></svg>'],
    ['iframe', '<iframe src="https://evil.example/"></iframe>'],
    ['style with url()', '<style>body{background:url(https://evil.example/x)}</style><p style="background:url(https://evil.example/y)">x</p>'],
    ['javascript: link', '[click](javascript:alert(1))'],
    ['mixed-case javascript: link', '[click](JaVaScRiPt:alert(1))'],
    ['entity-encoded javascript: link', '[click](&#106;avascript:alert(1))'],
    ['javascript: autolink', '<javascript:alert(1)>'],
    ['data: HTML link', '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
    ['vbscript link', '[x](vbscript:msgbox(1))'],
    ['remote image', '![tracker](https://evil.example/pixel.png)'],
    ['data image', '![x](data:image/png;base64,iVBORw0KGgo=)'],
    ['image inside link', '[![x](https://evil.example/a.png)](https://evil.example/)'],
    ['reference image', '![a][r]\n\n[r]: https://evil.example/r.png'],
    ['link title injection', '[x](https://ok.example "a\\" onmouseover=\\"alert(1)")'],
    ['html in code fence', '```html\n<script>alert(1)</script>\n```'],
    ['katex href', '$\\href{javascript:alert(1)}{x}$'],
    ['katex url', '$$\\url{https://evil.example/}$$'],
    ['katex htmlStyle', '$\\htmlStyle{background:url(https://evil.example/)}{x}$'],
    ['katex includegraphics', '$\\includegraphics{https://evil.example/a.png}$'],
    ['object/embed', '<object data="x.swf"></object><embed src="x.swf">'],
    ['form', '<form action="https://evil.example"><button>go</button></form>'],
    ['meta refresh', '<meta http-equiv="refresh" content="0;url=https://evil.example">'],
    ['base href', '<base href="https://evil.example/">'],
  ];
  it.each(payloads)('%s renders inert', (_, src) => {
    assertInert(renderMarkdown(src));
  });

  it('shows raw HTML as text', () => {
    const out = renderMarkdown('<b>bold</b>');
    expect(parse(out).querySelector('b')).toBeNull();
    expect(parse(out).textContent).toContain('<b>bold</b>');
  });

  it('turns an image into a link to it, never loading it', () => {
    const out = renderMarkdown('![a cat](https://example.com/cat.png)');
    const a = parse(out).querySelector('a');
    expect(a?.getAttribute('href')).toBe('https://example.com/cat.png');
    expect(a?.textContent).toContain('a cat');
    expect(parse(out).querySelector('img')).toBeNull();
  });

  it('keeps unsafe links as text without an href', () => {
    const out = renderMarkdown('[click](javascript:alert(1))');
    expect(parse(out).querySelector('a[href]')).toBeNull();
    expect(parse(out).textContent).toContain('click');
  });
});

describe('renderMarkdown: features', () => {
  it('renders ordinary markdown and safe links', () => {
    const out = renderMarkdown('# Title\n\nSome **bold** and [a link](https://example.com).');
    const root = parse(out);
    expect(root.querySelector('h1')?.textContent).toBe('Title');
    expect(root.querySelector('strong')?.textContent).toBe('bold');
    const a = root.querySelector('a');
    expect(a?.getAttribute('href')).toBe('https://example.com');
    expect(a?.getAttribute('rel')).toContain('noopener');
  });

  it('linkifies bare URLs', () => {
    const a = parse(renderMarkdown('see https://example.org/x now')).querySelector('a');
    expect(a?.getAttribute('href')).toBe('https://example.org/x');
  });

  it('highlights a known language and escapes an unknown one', () => {
    const go = parse(renderMarkdown('```go\nfunc main() {}\n```'));
    expect(go.querySelector('code.hljs .hljs-keyword')?.textContent).toBe('func');
    expect(go.querySelector('.code-lang')?.textContent).toBe('go');
    const other = parse(renderMarkdown('```brainfuck\n<+>\n```'));
    expect(other.querySelector('code')?.textContent).toBe('<+>\n');
  });

  it('renders inline and block math with KaTeX', () => {
    const inline = parse(renderMarkdown('Euler: $e^{i\\pi}+1=0$.'));
    expect(inline.querySelector('.katex')).not.toBeNull();
    const block = parse(renderMarkdown('$$\n\\frac{a}{b}\n$$'));
    expect(block.querySelector('.math-block .katex-display')).not.toBeNull();
  });

  it('keeps the SVG glyphs KaTeX draws (square roots) with their geometry', () => {
    const svg = parse(renderMarkdown('$\\sqrt{x}$')).querySelector('svg');
    expect(svg?.getAttribute('viewBox') ?? svg?.getAttribute('viewbox')).toBeTruthy();
    expect(svg?.querySelector('path')?.getAttribute('d')).toBeTruthy();
  });

  it('leaves prices alone', () => {
    const out = parse(renderMarkdown('It costs $5 and $10.'));
    expect(out.querySelector('.katex')).toBeNull();
    expect(out.textContent).toContain('$5 and $10');
  });

  it('shows a bad formula as text instead of failing', () => {
    const out = renderMarkdown('$\\frac{a$');
    expect(out).toContain('katex');
    assertInert(out);
  });

  it('bounds expansion of recursive macros', () => {
    const out = renderMarkdown('$\\def\\a{\\a\\a}\\a$');
    assertInert(out);
  });
});

describe('linkTarget', () => {
  it('finds the href of the clicked link', () => {
    const root = document.createElement('div');
    root.innerHTML = renderMarkdown('[**x**](https://example.com/p)');
    const strong = root.querySelector('strong')!;
    const ev = new MouseEvent('click', { bubbles: true });
    Object.defineProperty(ev, 'target', { value: strong });
    expect(linkTarget(ev)).toBe('https://example.com/p');
  });
});
