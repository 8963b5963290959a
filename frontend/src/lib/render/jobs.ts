// What the page asks the formatter (a worker, or the page itself) to do, and
// what comes back. Plain data, so it crosses postMessage as is.

export type FormatJob =
  | { kind: 'math'; key: string; tex: string; display: boolean }
  | { kind: 'code'; key: string; code: string; lang: string };

export interface FormatResult {
  key: string;
  /** Unsanitised HTML; null when the source is best shown as it is (an unknown language, a failure). */
  html: string | null;
  error?: string;
}

/** The cache key of a formula. */
export function mathKey(tex: string, display: boolean): string {
  return (display ? 'D' : 'I') + tex;
}

/** The cache key of a code block. */
export function codeKey(code: string, lang: string): string {
  return lang + '\n' + code;
}
