// Hostile model output, written from the XSS corpora others keep (markdown-it's
// xss.txt fixture, DOMPurify's test fixtures, the OWASP XSS filter evasion
// cheat sheet), aimed at what can reach our DOM: markdown links, images,
// references and autolinks; code fence info strings; KaTeX commands; and the
// HTML a formatter hands back. Shared by the unit tests (jsdom) and the
// browser checks (Chromium), so both hold the renderer to the same cases.

/** Elements that run, embed or load something. */
const loaders =
  'script,iframe,frame,object,embed,img,image,picture,video,audio,source,style,link,meta,base,form,input,button,textarea,select,use,foreignObject,feImage,animate,set,template';

/**
 * What in root could run, embed or load anything, or link anywhere but
 * http(s)/mailto; empty when it is inert. buttons: the renderer's own
 * buttons (copy, load image, show formula) are allowed.
 */
export function inertProblems(root: ParentNode, buttons = false): string[] {
  const out: string[] = [];
  for (const el of Array.from(root.querySelectorAll(loaders))) {
    const own = el.tagName === 'BUTTON' && /^(code-copy|image-load|math-show)$/.test(el.className);
    if (!(buttons && own)) {
      out.push(`element ${el.outerHTML.slice(0, 120)}`);
    }
  }
  for (const el of Array.from(root.querySelectorAll('*'))) {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      const v = attr.value;
      if (name.startsWith('on')) {
        out.push(`handler ${name} on <${el.tagName.toLowerCase()}>`);
      }
      if (['src', 'srcset', 'action', 'formaction', 'background', 'poster', 'ping', 'target', 'srcdoc'].includes(name)) {
        out.push(`attribute ${name} on <${el.tagName.toLowerCase()}>`);
      }
      if ((name === 'href' || name === 'xlink:href') && !/^(https?:|mailto:)/i.test(v)) {
        out.push(`${name}="${v}"`);
      }
      if (/javascript:|vbscript:|data:/i.test(v)) {
        out.push(`${name}="${v.slice(0, 80)}"`);
      }
      if (name === 'style' && /url\s*\(|expression|javascript:|@import/i.test(v)) {
        out.push(`style="${v.slice(0, 80)}"`);
      }
    }
  }
  return out;
}

export const hostileMarkdown: Array<[string, string]> = [
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

/** HTML a formatter (a compromised worker) might hand back. */
export const hostileFormatterHTML =
  '<img src=x onerror=alert(1)><script>alert(2)</script><a href="javascript:alert(3)">a</a>' +
  '<span style="background:url(https://evil.example/)">s</span><svg><use href="#x"/><animate onbegin="alert(4)"/></svg>' +
  '<math><maction actiontype="statusline" xlink:href="javascript:alert(5)">m</maction></math><iframe src="https://evil.example/">';

/** Raw HTML for the sanitiser on its own (DOMPurify's fixtures). */
export const hostileHTML = [
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
