// The expensive, pure string work: formulas through KaTeX and code through a
// small highlight.js core. It runs in a Web Worker (format.worker.ts); the
// page only loads it itself when no worker can be started. Its output is not
// trusted: the page sanitises it before it reaches the DOM.
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
import type { FormatJob, FormatResult } from './jobs';
import { linesPerGroup } from './lines';

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

/**
 * A formula whose full KaTeX output (HTML for the eye plus MathML for screen
 * readers) is longer than this is rendered as MathML only, which the browser
 * lays out itself: a third of the markup and far fewer elements.
 */
const mathMLOnlyOver = 24_000;

function katexHTML(tex: string, display: boolean, output: 'htmlAndMathml' | 'mathml'): string {
  return katex.renderToString(tex, {
    displayMode: display,
    throwOnError: false,
    trust: false,
    strict: 'ignore',
    maxSize: 20,
    maxExpand: 500,
    output,
  });
}

function formatMath(tex: string, display: boolean): string {
  const full = katexHTML(tex, display, 'htmlAndMathml');
  if (full.length <= mathMLOnlyOver) {
    return full;
  }
  return katexHTML(tex, display, 'mathml');
}

/**
 * Highlighted HTML for a known language, in the same line groups the plain
 * code is shown in (markdown.ts codeGroups); null when there is nothing to
 * add to the plain text.
 */
function formatCode(code: string, lang: string): string | null {
  if (!lang || !hljs.getLanguage(lang)) {
    return null;
  }
  try {
    return groupHighlighted(hljs.highlight(code, { language: lang, ignoreIllegals: true }).value);
  } catch {
    return null;
  }
}

/**
 * Cuts highlight.js output into groups of linesPerGroup lines, closing the
 * spans open at a group's end and opening them again in the next (a string
 * or comment can run over many lines).
 */
function groupHighlighted(html: string): string {
  const open: string[] = [];
  let out = '<span class="code-lines">';
  let lines = 0;
  const tag = /<span[^>]*>|<\/span>|\n/g;
  let last = 0;
  for (let m = tag.exec(html); m; m = tag.exec(html)) {
    out += html.slice(last, m.index);
    last = m.index + m[0].length;
    if (m[0] === '\n') {
      out += '\n';
      if (++lines === linesPerGroup) {
        lines = 0;
        out += '</span>'.repeat(open.length) + '</span>';
        if (last < html.length) {
          out += '<span class="code-lines">' + open.join('');
        } else {
          return out;
        }
      }
    } else if (m[0] === '</span>') {
      open.pop();
      out += m[0];
    } else {
      open.push(m[0]);
      out += m[0];
    }
  }
  return out + html.slice(last) + '</span>';
}

export function runJob(job: FormatJob): FormatResult {
  try {
    if (job.kind === 'math') {
      return { key: job.key, html: formatMath(job.tex, job.display) };
    }
    return { key: job.key, html: formatCode(job.code, job.lang) };
  } catch (e) {
    // KaTeX reports bad TeX inline (throwOnError off); anything else is shown as the source.
    return { key: job.key, html: null, error: e instanceof Error ? e.message : String(e) };
  }
}
