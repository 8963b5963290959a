/** The HTML a renderer shows, without the chunk elements it groups finished blocks in. */
export function shownHTML(el: HTMLElement): string {
  const copy = el.cloneNode(true) as HTMLElement;
  for (const c of Array.from(copy.querySelectorAll('.md-chunk'))) {
    c.replaceWith(...Array.from(c.childNodes));
  }
  return copy.innerHTML;
}
