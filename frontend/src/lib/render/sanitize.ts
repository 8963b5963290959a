// DOMPurify is the last step before anything from a model reaches the DOM:
// every HTML string the renderer inserts (a block's HTML, a formula from
// KaTeX, a highlighted code block) goes through sanitize() and is inserted as
// the fragment it returns, never as a string. The config forbids anything
// that executes, embeds or loads; hrefs keep only http, https and mailto.
import DOMPurify from 'dompurify';
import { safeURL } from './markdown';

// DOMPurify tests every attribute value that looks like a URL against this:
// values without a scheme (sizes, paths of SVG glyphs) pass, and the only
// schemes allowed are http, https and mailto. Hrefs get the stricter safeURL
// check in the hook below.
const allowedURI = /^(?:(?:https?|mailto):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i;

const config = {
  ALLOWED_URI_REGEXP: allowedURI,
  FORBID_TAGS: [
    'img', 'image', 'picture', 'source', 'video', 'audio', 'track', 'iframe', 'frame', 'frameset', 'object',
    'embed', 'style', 'link', 'meta', 'base', 'form', 'input', 'button', 'textarea', 'select', 'use',
    'foreignobject', 'feimage', 'script', 'template', 'animate', 'set', 'annotation-xml',
  ],
  FORBID_ATTR: ['src', 'srcset', 'action', 'formaction', 'background', 'poster', 'ping', 'target', 'id', 'name'],
  ALLOW_DATA_ATTR: false,
};

/** Sanitises model-derived HTML; one instance per page, configured once. */
export interface Sanitizer {
  /** Returns the sanitised fragment, owned by the page's document. */
  sanitize(html: string): DocumentFragment;
  /**
   * Sanitises several pieces in one pass (DOMPurify's cost is per node, but
   * each call also builds a document). Returns each piece's nodes and its
   * markup as a string (for a cache). A piece that is not well-formed would
   * run into its neighbour: then each is sanitised on its own.
   */
  sanitizeEach(pieces: string[]): Array<{ frag: DocumentFragment; html: string }>;
  /**
   * Returns the sanitised markup as a string, for what is cached and
   * inserted many times (formulas, highlighted code): a string costs a
   * fraction of the memory of its nodes. Insert it with fragmentOf.
   */
  sanitizeToString(html: string): string;
}

function purifier(returnFragment: boolean) {
  const p = DOMPurify();
  p.addHook('uponSanitizeAttribute', (_node, data) => {
    const name = data.attrName.toLowerCase();
    if (name === 'style' && /url\s*\(|expression\s*\(|@import|javascript:/i.test(data.attrValue)) {
      data.keepAttr = false;
    }
    if ((name === 'href' || name === 'xlink:href') && !safeURL.test(data.attrValue.trim())) {
      data.keepAttr = false;
    }
  });
  p.setConfig({ ...config, RETURN_DOM_FRAGMENT: returnFragment });
  return p;
}

export function createSanitizer(): Sanitizer {
  const toFragment = purifier(true);
  const toString = purifier(false);
  return {
    sanitize(html: string): DocumentFragment {
      // The leading line break is insignificant whitespace; it keeps
      // DOMPurify's walk identical across DOM implementations (happy-dom
      // otherwise drops the first element's tag). It is removed again.
      const frag = toFragment.sanitize('\n' + html) as unknown as DocumentFragment;
      const first = frag.firstChild;
      if (first && first.nodeType === 3 /* text */) {
        const t = first as Text;
        if (t.data === '\n') {
          t.remove();
        } else if (t.data.startsWith('\n')) {
          t.data = t.data.slice(1);
        }
      }
      return frag;
    },
    sanitizeEach(pieces: string[]): Array<{ frag: DocumentFragment; html: string }> {
      const one = (html: string) => {
        const frag = this.sanitize(html);
        const holder = frag.ownerDocument.createElement('div');
        holder.append(frag.cloneNode(true));
        return { frag, html: holder.innerHTML };
      };
      if (pieces.length === 1) {
        return [one(pieces[0]!)];
      }
      const all = toFragment.sanitize(pieces.map((p) => `<span class="murmur-piece">${p}</span>`).join('')) as unknown as DocumentFragment;
      const kids = Array.from(all.childNodes);
      if (kids.length !== pieces.length || kids.some((k) => !(k instanceof Element) || k.className !== 'murmur-piece')) {
        return pieces.map(one);
      }
      return kids.map((k) => {
        const el = k as Element;
        const html = el.innerHTML;
        const frag = el.ownerDocument.createDocumentFragment();
        frag.append(...Array.from(el.childNodes));
        return { frag, html };
      });
    },
    sanitizeToString(html: string): string {
      return (toString.sanitize('\n' + html) as string).replace(/^\n/, '');
    },
  };
}

/**
 * Nodes for markup that sanitizeToString returned, parsed inertly (a
 * template's content runs and loads nothing) in doc.
 */
export function fragmentOf(doc: Document, sanitized: string): DocumentFragment {
  const t = doc.createElement('template');
  t.innerHTML = sanitized;
  return t.content;
}

/**
 * Whether an image from model output may be loaded when the user asks:
 * https only (no plain http, no data: or blob: URLs, nothing relative).
 */
export function loadableImage(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.hostname !== '' && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}
