// The renderer Murmur had before lib/render/ (commit 5c6fa6e, frontend/src/lib/markdown.ts),
// kept unchanged as the benchmark's baseline: every frame renders the whole reply's
// markdown, sanitises it and replaces its DOM. Not used by the app.
//
// Renders message text (markdown from a model, i.e. untrusted) to HTML.
// markdown-it runs with raw HTML off; code fences are highlighted by a small
// highlight.js core; $…$ and $$…$$ go through KaTeX with trust off and hard
// size limits. DOMPurify is the very last step, on the final HTML string, and
// only lets through http(s)/mailto links and nothing that loads anything.
// Images are never loaded: they become a link the user can choose to open.
import MarkdownIt from 'markdown-it';
import type { MarkdownIt as Markdown, StateBlock, StateInline } from 'markdown-it';
import DOMPurify from 'dompurify';
import katex from 'katex';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

const languages = { bash, c, cpp, css, diff, go, java, javascript, json, python, rust, sql, typescript, xml, yaml };
for (const [name, lang] of Object.entries(languages)) {
  hljs.registerLanguage(name, lang);
}
hljs.registerAliases(['sh', 'shell', 'zsh'], { languageName: 'bash' });
hljs.registerAliases(['html', 'svg'], { languageName: 'xml' });
hljs.registerAliases(['js', 'jsx'], { languageName: 'javascript' });
hljs.registerAliases(['ts', 'tsx'], { languageName: 'typescript' });
hljs.registerAliases(['py'], { languageName: 'python' });
hljs.registerAliases(['golang'], { languageName: 'go' });
hljs.registerAliases(['yml'], { languageName: 'yaml' });
hljs.registerAliases(['rs'], { languageName: 'rust' });

/** Schemes a rendered link may have; everything else loses its href. */
const safeURL = /^(?:https?:|mailto:)/i;

// ---- math --------------------------------------------------------------------

function renderMath(tex: string, displayMode: boolean): string {
  return katex.renderToString(tex, {
    displayMode,
    throwOnError: false,
    trust: false,
    strict: 'ignore',
    maxSize: 20,
    maxExpand: 500,
    output: 'htmlAndMathml',
  });
}

/** Inline $…$ (no space inside the delimiters, no digit after the closing $) and $$…$$. */
function mathInline(state: StateInline, silent: boolean): boolean {
  const src = state.src;
  const start = state.pos;
  if (src.charCodeAt(start) !== 0x24 /* $ */) {
    return false;
  }
  const display = src.charCodeAt(start + 1) === 0x24;
  const open = display ? 2 : 1;
  let end = start + open;
  // find the closing delimiter, skipping escaped dollars
  for (;;) {
    end = src.indexOf(display ? '$$' : '$', end);
    if (end < 0 || end >= state.posMax) {
      return false;
    }
    if (src.charCodeAt(end - 1) === 0x5c /* \ */) {
      end++;
      continue;
    }
    break;
  }
  const tex = src.slice(start + open, end);
  if (tex.length === 0) {
    return false;
  }
  if (!display) {
    const first = tex.charCodeAt(0);
    const last = tex.charCodeAt(tex.length - 1);
    const after = src.charCodeAt(end + 1);
    if (first === 0x20 || first === 0x09 || last === 0x20 || last === 0x09 || (after >= 0x30 && after <= 0x39)) {
      return false;
    }
  }
  if (!silent) {
    const token = state.push(display ? 'math_display_inline' : 'math_inline', 'math', 0);
    token.content = tex;
    token.markup = display ? '$$' : '$';
  }
  state.pos = end + open;
  return true;
}

/** A block that starts with $$ at the start of a line and ends with $$. */
function mathBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  let pos = state.bMarks[startLine]! + state.tShift[startLine]!;
  let max = state.eMarks[startLine]!;
  if (state.sCount[startLine]! - state.blkIndent >= 4 || pos + 2 > max || state.src.slice(pos, pos + 2) !== '$$') {
    return false;
  }
  pos += 2;
  let firstLine = state.src.slice(pos, max);
  let lastLine = '';
  let next = startLine;
  let found = false;
  if (firstLine.trim().endsWith('$$')) {
    firstLine = firstLine.trim().slice(0, -2);
    found = true;
  }
  if (silent) {
    return true;
  }
  while (!found) {
    next++;
    if (next >= endLine) {
      return false; // unclosed: leave it as text
    }
    pos = state.bMarks[next]! + state.tShift[next]!;
    max = state.eMarks[next]!;
    if (pos < max && state.sCount[next]! < state.blkIndent) {
      return false;
    }
    const line = state.src.slice(pos, max).trim();
    if (line.endsWith('$$')) {
      lastLine = line.slice(0, -2);
      found = true;
    }
  }
  state.line = next + 1;
  const token = state.push('math_block', 'math', 0);
  token.block = true;
  token.content =
    (firstLine.trim() ? firstLine + '\n' : '') +
    (next > startLine + 1 ? state.getLines(startLine + 1, next, state.tShift[startLine]!, true) : '') +
    lastLine;
  token.map = [startLine, state.line];
  token.markup = '$$';
  return true;
}

// ---- the renderer --------------------------------------------------------------

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function createRenderer(): Markdown {
  const md = new MarkdownIt({
    html: false,
    linkify: true,
    breaks: false,
    typographer: false,
    highlight(code: string, lang: string): string {
      const name = lang.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
      const label = name ? `<span class="code-lang">${escapeHtml(name)}</span>` : '';
      let body = escapeHtml(code);
      if (name && hljs.getLanguage(name)) {
        try {
          body = hljs.highlight(code, { language: name, ignoreIllegals: true }).value;
        } catch {
          // keep the escaped text
        }
      }
      return `<pre class="code">${label}<code class="hljs">${body}</code></pre>`;
    },
  });
  md.inline.ruler.after('escape', 'math_inline', mathInline);
  md.block.ruler.after('blockquote', 'math_block', mathBlock, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
  md.renderer.rules.math_inline = (tokens, idx) => renderMath(tokens[idx]!.content, false);
  md.renderer.rules.math_display_inline = (tokens, idx) => renderMath(tokens[idx]!.content, true);
  md.renderer.rules.math_block = (tokens, idx) =>
    `<div class="math-block">${renderMath(tokens[idx]!.content, true)}</div>\n`;

  md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
    tokens[idx]!.attrSet('rel', 'noopener noreferrer nofollow');
    return self.renderToken(tokens, idx, options);
  };

  // Images are shown as a link to the image, never loaded.
  md.renderer.rules.image = (tokens, idx) => {
    const t = tokens[idx]!;
    const src = String(t.attrGet('src') ?? '');
    const alt = t.children ? md.renderer.renderInlineAsText(t.children, md.options, {}) : t.content;
    const text = escapeHtml(`[image: ${alt || 'untitled'}]`);
    if (!safeURL.test(src)) {
      return `<span class="image-link">${text}</span>`;
    }
    return `<a class="image-link" href="${escapeHtml(src)}" title="${escapeHtml(src)}">${text}</a>`;
  };
  return md;
}

const md = createRenderer();

// DOMPurify runs last, with a config that forbids anything that executes,
// embeds or loads. Hooks are installed once on a dedicated instance.
const purifier = DOMPurify();
purifier.addHook('uponSanitizeAttribute', (_node, data) => {
  const name = data.attrName.toLowerCase();
  if (name === 'style' && /url\s*\(|expression\s*\(|@import|javascript:/i.test(data.attrValue)) {
    data.keepAttr = false;
  }
  if ((name === 'href' || name === 'xlink:href') && !safeURL.test(data.attrValue.trim())) {
    data.keepAttr = false;
  }
});

// DOMPurify tests every attribute value that looks like a URL against this:
// values without a scheme (sizes, paths of SVG glyphs) pass, and the only
// schemes allowed are http, https and mailto. Hrefs get the stricter safeURL
// check in the hook above.
const allowedURI = /^(?:(?:https?|mailto):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i;

const purifyConfig = {
  ALLOWED_URI_REGEXP: allowedURI,
  FORBID_TAGS: [
    'img', 'image', 'picture', 'source', 'video', 'audio', 'track', 'iframe', 'frame', 'frameset', 'object',
    'embed', 'style', 'link', 'meta', 'base', 'form', 'input', 'button', 'textarea', 'select', 'use',
    'foreignobject', 'feimage', 'script', 'template', 'animate', 'set', 'annotation-xml',
  ],
  FORBID_ATTR: ['src', 'srcset', 'action', 'formaction', 'background', 'poster', 'ping', 'target', 'id', 'name'],
  ALLOW_DATA_ATTR: false,
};

/** Renders untrusted markdown to sanitized HTML. */
export function renderMarkdown(src: string): string {
  let html: string;
  try {
    html = md.render(src);
  } catch {
    html = `<p>${escapeHtml(src)}</p>`;
  }
  // The leading line break is insignificant whitespace; it keeps DOMPurify's
  // walk identical across DOM implementations (happy-dom otherwise drops the
  // first element's tag).
  return (purifier.sanitize('\n' + html, purifyConfig) as string).replace(/^\n/, '');
}

/**
 * Finds the link a click landed on inside rendered markdown, so the caller
 * can hand it to the Go side instead of letting the webview navigate.
 */
export function linkTarget(event: Event): string | null {
  const el = event.target;
  if (!(el instanceof Element)) {
    return null;
  }
  const a = el.closest('a');
  if (!a) {
    return null;
  }
  return a.getAttribute('href');
}
