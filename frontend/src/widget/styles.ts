// Style sheets a widget needs inside its shadow root (never the host's
// document): KaTeX's, for math in replies. Adopted once per shadow root.
import katexCSS from 'katex/dist/katex.min.css?inline';

let sheet: CSSStyleSheet | null = null;

/** Adds the widget's shared style sheets to the shadow root el is in. */
export function adoptStyles(el: Element): void {
  const root = el.getRootNode();
  if (!(root instanceof ShadowRoot)) return;
  if (!sheet) {
    sheet = new CSSStyleSheet();
    // @font-face inside a shadow root is ignored by browsers: math falls
    // back to the page's serif fonts, still readable.
    sheet.replaceSync(katexCSS.replace(/@font-face\{[^}]*\}/g, ''));
  }
  if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}
