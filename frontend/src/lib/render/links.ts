/**
 * Finds the link a click landed on inside rendered markdown, so the caller
 * can hand it to the Go side instead of letting the webview navigate.
 */
export function linkTarget(event: Event): string | null {
  const el = event.target;
  if (!(el instanceof Element)) {
    return null;
  }
  if (el.closest('button')) {
    return null; // the renderer's own buttons (copy, load image) are not links
  }
  const a = el.closest('a');
  if (!a) {
    return null;
  }
  return a.getAttribute('href');
}
