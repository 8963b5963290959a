// How code blocks are laid out in line groups; shared by the page (markdown.ts,
// renderer.ts) and the worker (format.ts), with no dependencies.

/**
 * Lines of code go in groups of this many, each its own block box: a line
 * added at the end of a long block then lays out its group, not the whole
 * block.
 */
export const linesPerGroup = 64;

/** Cuts code into groups of linesPerGroup lines (each keeps its line breaks); the last may be shorter. */
export function codeGroups(code: string): string[] {
  const out: string[] = [];
  let start = 0;
  let lines = 0;
  for (let i = code.indexOf('\n'); i >= 0; i = code.indexOf('\n', i + 1)) {
    if (++lines === linesPerGroup) {
      out.push(code.slice(start, i + 1));
      start = i + 1;
      lines = 0;
    }
  }
  if (start < code.length) {
    out.push(code.slice(start));
  }
  return out;
}
