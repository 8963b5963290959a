// The style sheets of a widget's shadow root (never the host's document),
// as constructed sheets: a host whose Content-Security-Policy forbids inline
// styles shows them all the same: KaTeX's for math, the renderer's, the chat's own.
import katexCSS from 'katex/dist/katex.min.css?inline';
import renderCSS from '../lib/render/render.css?inline';
import chatCSS from './widget.css?inline';

let sheets: CSSStyleSheet[] | null = null;

function make(css: string): CSSStyleSheet {
  const s = new CSSStyleSheet();
  s.replaceSync(css);
  return s;
}

/** Adds the chat's style sheets to the shadow root el is in. */
export function adoptStyles(el: Element): void {
  const root = el.getRootNode();
  if (!(root instanceof ShadowRoot)) return;
  // @font-face inside a shadow root is ignored by browsers: math falls back
  // to the page's serif fonts, still readable.
  sheets ??= [make(katexCSS.replace(/@font-face\{[^}]*\}/g, '')), make(renderCSS), make(chatCSS)];
  const missing = sheets.filter((s) => !root.adoptedStyleSheets.includes(s));
  if (missing.length) root.adoptedStyleSheets = [...root.adoptedStyleSheets, ...missing];
}
