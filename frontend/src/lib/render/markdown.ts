// Markdown from a model (untrusted) to HTML with slots. markdown-it runs with
// raw HTML off. Formulas, code blocks and images are not rendered here: each
// becomes a slot that describes itself (its source is its text), filled
// later by the renderer from a cache or a worker (see slots.ts). This module
// is pure string work; nothing here touches the DOM or loads KaTeX or
// highlight.js, so it is cheap to call on every frame for the growing tail.
import MarkdownIt from 'markdown-it';
import { codeGroups } from './lines';
import type { Env, MarkdownIt as Markdown, StateBlock, StateInline, Token } from 'markdown-it';

/** Schemes a rendered link may have; everything else loses its href. */
export const safeURL = /^(?:https?:|mailto:)/i;

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** What markdown-it keeps per document: reference definitions by normalised label. */
export interface RenderEnv extends Env {
  /** False when the source rendered is a block with more text after it. */
  atEnd?: boolean;
}

// ---- math --------------------------------------------------------------------

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

/**
 * A block that starts with $$ at the start of a line and ends with $$. A
 * blank line ends the search (TeX does not allow one inside display math):
 * that keeps what an unclosed $$ does to the text before it local, so a
 * finished block never changes when more text arrives.
 */
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
    if (pos >= max || state.sCount[next]! < state.blkIndent) {
      return false; // a blank or outdented line before the closing $$
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

// ---- slots -------------------------------------------------------------------
// A slot's text is its source, so the DOM alone says what goes in it and the
// same HTML means the same slots (slots.ts reads them back).

/** A formula: its TeX source, with its delimiters, until the rendered formula replaces it. */
function mathSlot(tex: string, display: boolean): string {
  const d = display ? '$$' : '$';
  return `<span class="math-slot${display ? ' math-display' : ''}">${escapeHtml(d + tex + d)}</span>`;
}

/** The language name shown on a code block: the first word of the info string, if it looks like one. */
function codeLanguage(info: string): string {
  const name = info.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  return /^[a-z0-9][a-z0-9_+#.-]{0,31}$/.test(name) ? name : '';
}

/**
 * A code block: the plain code until its highlighted copy replaces it; the
 * copy button is added on the page. A fence still open at the end of the text
 * (its code still arriving) is marked so that it is not highlighted on every
 * frame.
 */
function codeSlot(code: string, lang: string, open: boolean): string {
  const label = lang ? `<span class="code-lang">${escapeHtml(lang)}</span>` : '';
  const cls = open ? 'code-block code-open' : 'code-block';
  const body = codeGroups(code)
    .map((g) => `<span class="code-lines">${escapeHtml(g)}</span>`)
    .join('');
  return `<div class="${cls}"><div class="code-head">${label}</div><pre class="code"><code>${body}</code></pre></div>\n`;
}


/** markdown-it's fence rule, noting on the token whether the fence runs to the end of the text unclosed. */
function markOpenFences(md: Markdown) {
  const fence = md.block.ruler.__rules__.find((r) => r.name === 'fence')?.fn;
  if (!fence) {
    throw new Error('markdown-it has no fence rule to wrap');
  }
  md.block.ruler.at('fence', (state: StateBlock, startLine: number, endLine: number, silent: boolean) => {
    if (!fence(state, startLine, endLine, silent)) {
      return false;
    }
    if (!silent) {
      const t = state.tokens[state.tokens.length - 1]!;
      const last = state.line - 1;
      const closed = last > startLine && isFenceClose(state, last, t.markup);
      // open: unclosed, nothing but white space after it in what is parsed,
      // and that is the end of the reply so far
      const atEnd = (state.env as RenderEnv).atEnd !== false;
      t.meta = { open: !closed && atEnd && !hasTextFrom(state.src, state.bMarks[state.line] ?? state.src.length) };
    }
    return true;
  });
}

/** Whether s has anything but white space from offset from on. */
export function hasTextFrom(s: string, from: number): boolean {
  const re = /\S/g;
  re.lastIndex = from;
  return re.test(s);
}

function isFenceClose(state: StateBlock, line: number, markup: string): boolean {
  const text = state.src.slice(state.bMarks[line]! + state.tShift[line]!, state.eMarks[line]!).trimEnd();
  return text.length >= markup.length && text === markup[0]!.repeat(text.length);
}

function createMarkdown(): Markdown {
  const md = new MarkdownIt({ html: false, linkify: true, breaks: false, typographer: false });
  markOpenFences(md);
  md.inline.ruler.after('escape', 'math_inline', mathInline);
  md.block.ruler.after('blockquote', 'math_block', mathBlock, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
  md.renderer.rules.math_inline = (tokens, idx) => mathSlot(tokens[idx]!.content, false);
  md.renderer.rules.math_display_inline = (tokens, idx) => mathSlot(tokens[idx]!.content, true);
  md.renderer.rules.math_block = (tokens, idx) => `<div class="math-block">${mathSlot(tokens[idx]!.content, true)}</div>\n`;

  md.renderer.rules.fence = (tokens, idx) => {
    const t = tokens[idx]!;
    const open = (t.meta as { open?: boolean } | null)?.open === true;
    return codeSlot(t.content, codeLanguage(md.utils.unescapeAll(t.info)), open);
  };
  md.renderer.rules.code_block = (tokens, idx) => codeSlot(tokens[idx]!.content, '', false);

  // a wide table scrolls in its own box instead of widening the message
  md.renderer.rules.table_open = () => '<div class="table-wrap"><table>\n';
  md.renderer.rules.table_close = () => '</table></div>\n';

  md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
    tokens[idx]!.attrSet('rel', 'noopener noreferrer nofollow');
    return self.renderToken(tokens, idx, options);
  };

  // Images are never loaded as they arrive: a link to the image, in a slot
  // to which the page adds a "Load image" button for https images.
  md.renderer.rules.image = (tokens, idx) => {
    const t = tokens[idx]!;
    const src = String(t.attrGet('src') ?? '');
    const alt = t.children ? md.renderer.renderInlineAsText(t.children, md.options, {}) : t.content;
    const text = escapeHtml(`[image: ${alt || 'untitled'}]`);
    if (!safeURL.test(src)) {
      return `<span class="image-link">${text}</span>`;
    }
    return `<span class="image-slot"><a class="image-link" href="${escapeHtml(src)}" title="${escapeHtml(src)}">${text}</a></span>`;
  };
  return md;
}

/** The one configured parser; it holds no per-document state (that lives in RenderEnv). */
export const md = createMarkdown();

/** What markdown-it's normalize step does, so offsets into the text match what the parser sees. */
export function normalizeSource(s: string): string {
  return s.replace(/\r\n?/g, '\n').replace(/\0/g, '\uFFFD');
}

/** Renders markdown (already normalised) to HTML with slots, resolving references from env. */
export function renderHTML(src: string, env: RenderEnv): string {
  try {
    return md.render(src, env);
  } catch {
    return `<p>${escapeHtml(src)}</p>\n`;
  }
}

/** Runs only markdown-it's block pass over src (cheap: no inline parsing), collecting references into env. */
export function parseBlocks(src: string, env: RenderEnv): Token[] {
  const tokens: Token[] = [];
  if (!env.references) {
    env.references = {};
  }
  md.block.parse(src, md, env, tokens);
  return tokens;
}

/** Normalises a reference label the way markdown-it does. */
export function referenceLabel(s: string): string {
  return md.utils.normalizeReference(s);
}
