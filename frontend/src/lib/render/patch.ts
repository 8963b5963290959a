// Brings rendered nodes up to date with a fresh render of the same block
// without replacing what did not change: a growing paragraph gets its last
// text node extended, a filled formula or highlighted code block stays as it
// is, and a selection in the untouched part survives. The walk is positional
// (streamed text grows at the end); whatever differs is replaced.
import { isSlot, slotKey } from './slots';

function sameAttributes(a: Element, b: Element): boolean {
  const x = a.attributes;
  const y = b.attributes;
  if (x.length !== y.length) {
    return false;
  }
  for (let i = 0; i < x.length; i++) {
    const at = x[i]!;
    if (b.getAttribute(at.name) !== at.value) {
      return false;
    }
  }
  return true;
}

/** Two slots of the same kind and state as rendered from markdown (a closed fence is not an open one). */
function sameKind(a: Element, b: Element): boolean {
  const x = a.classList;
  const y = b.classList;
  return x[0] === y[0] && x.contains('code-open') === y.contains('code-open') && x.contains('math-display') === y.contains('math-display');
}

/**
 * Makes the nodes old (consecutive children of parent) look like fresh
 * (nodes not in the document, e.g. a sanitised fragment's children). Returns
 * the nodes that now stand for the block, in order; fresh nodes that were
 * used are moved into parent.
 */
export function patchNodes(parent: Node, old: ChildNode[], fresh: ChildNode[]): ChildNode[] {
  const after = old.length > 0 ? old[old.length - 1]!.nextSibling : null;
  return patchRange(parent, old, fresh, after);
}

function patchRange(parent: Node, old: ChildNode[], fresh: ChildNode[], after: Node | null): ChildNode[] {
  const out: ChildNode[] = [];
  const n = Math.max(old.length, fresh.length);
  for (let i = 0; i < n; i++) {
    const o = old[i];
    const f = fresh[i];
    if (o && f) {
      out.push(patchOne(parent, o, f));
    } else if (o) {
      o.remove();
    } else if (f) {
      parent.insertBefore(f, after);
      out.push(f);
    }
  }
  return out;
}

function patchOne(parent: Node, o: ChildNode, f: ChildNode): ChildNode {
  if (o.nodeType === f.nodeType) {
    if (o.nodeType === 3 /* text */ || o.nodeType === 8 /* comment */) {
      const a = o as CharacterData;
      const b = f as CharacterData;
      if (a.data !== b.data) {
        if (b.data.startsWith(a.data)) {
          a.appendData(b.data.slice(a.data.length));
        } else {
          a.data = b.data;
        }
      }
      return o;
    }
    if (o.nodeType === 1) {
      const a = o as Element;
      const b = f as Element;
      if (a.tagName === b.tagName) {
        const slotA = isSlot(a);
        const slotB = isSlot(b);
        if (slotA && slotB) {
          if (slotKey(a) === slotKey(b) && sameKind(a, b)) {
            return o;
          }
        } else if (!slotA && !slotB && sameAttributes(a, b)) {
          patchRange(a, Array.from(a.childNodes), Array.from(b.childNodes), null);
          return o;
        }
      }
    }
  }
  parent.replaceChild(f, o);
  return f;
}
