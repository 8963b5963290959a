// Slots are the parts of rendered markdown that are filled in after the
// block's HTML is in place: formulas (math-slot), code blocks (code-block)
// and images (image-slot). Each describes itself: a slot's key is read from
// its own source text, so the DOM alone says what belongs in it.
import { codeKey, mathKey, type FormatJob } from './jobs';

const keys = new WeakMap<Element, string>();

export const slotSelector = '.math-slot, .code-block, .image-slot';

export function isSlot(el: Element): boolean {
  const c = el.classList;
  return c.contains('math-slot') || c.contains('code-block') || c.contains('image-slot');
}

/** The job that fills a slot, read from the slot as rendered from markdown. */
export function slotJob(el: Element): FormatJob | null {
  if (el.classList.contains('math-slot')) {
    const src = el.textContent ?? '';
    const display = el.classList.contains('math-display');
    const d = display ? 2 : 1;
    const tex = src.slice(d, src.length - d);
    return { kind: 'math', key: mathKey(tex, display), tex, display };
  }
  if (el.classList.contains('code-block')) {
    const lang = el.querySelector('.code-lang')?.textContent ?? '';
    const code = el.querySelector('code')?.textContent ?? '';
    return { kind: 'code', key: codeKey(code, lang), code, lang };
  }
  return null;
}

/**
 * A slot's identity: the same key means the same content, so an element
 * already filled can stay where a fresh render has the same slot.
 */
export function slotKey(el: Element): string {
  let k = keys.get(el);
  if (k === undefined) {
    if (el.classList.contains('image-slot')) {
      k = 'M' + (el.querySelector('a')?.getAttribute('href') ?? '');
    } else {
      k = slotJob(el)?.key ?? '';
    }
    keys.set(el, k);
  }
  return k;
}

/** Forgets el's remembered identity (its source changed in place, as an open fence's code grows). */
export function forgetKey(el: Element): void {
  keys.delete(el);
}
