// The <murmur-chat> element's attributes, read and checked. Shared by the
// loader (which must stay small) and the panel.

export type Mode = 'inline' | 'launcher';
export type Storage = 'indexeddb' | 'memory' | 'none';
export type Theme = 'light' | 'dark' | 'auto';

export interface WidgetConfig {
  /** The id attribute, or "default": it namespaces the conversations. */
  id: string;
  /** Absolute base URL of the OpenAI-compatible API. */
  endpoint: string;
  model: string;
  storage: Storage;
  theme: Theme;
  systemPrompt: string;
  title: string;
  placeholder: string;
  mode: Mode;
}

/** Attributes that would put a key in the page: refused. */
const keyAttributes = ['key', 'api-key', 'apikey', 'api_key', 'token', 'authorization'];

export const observed = [
  'endpoint',
  'model',
  'auth',
  'storage',
  'theme',
  'system-prompt',
  'title',
  'placeholder',
  'mode',
  'id',
  ...keyAttributes,
];

function pick<T extends string>(v: string | null, allowed: readonly T[], fallback: T): T {
  const s = (v ?? '').trim().toLowerCase();
  return (allowed as readonly string[]).includes(s) ? (s as T) : fallback;
}

/**
 * Reads the element's configuration. base is the folder widget.js was
 * served from: the default endpoint is the `murmur serve` that served it.
 */
export function readConfig(el: Element, base: URL): WidgetConfig {
  const endpointAttr = el.getAttribute('endpoint')?.trim();
  let endpoint: string;
  try {
    endpoint = new URL(endpointAttr || 'v1', endpointAttr ? document.baseURI : base).href.replace(/\/+$/, '');
  } catch {
    endpoint = new URL('v1', base).href;
  }
  const id = (el.getAttribute('id') ?? '').trim();
  return {
    id: /^[A-Za-z0-9_.:-]{1,64}$/.test(id) ? id : 'default',
    endpoint,
    model: (el.getAttribute('model') ?? '').trim(),
    storage: pick(el.getAttribute('storage'), ['indexeddb', 'memory', 'none'] as const, 'indexeddb'),
    theme: pick(el.getAttribute('theme'), ['light', 'dark', 'auto'] as const, 'auto'),
    systemPrompt: el.getAttribute('system-prompt') ?? '',
    title: el.getAttribute('title') || 'Chat',
    placeholder: el.getAttribute('placeholder') || 'Write a message…',
    mode: pick(el.getAttribute('mode'), ['inline', 'launcher'] as const, 'inline'),
  };
}

/** Why an auth attribute or a key attribute is refused, or null. */
export function refusal(el: Element): string | null {
  const key = keyAttributes.find((a) => el.hasAttribute(a));
  if (key) {
    return (
      `<murmur-chat> refused its "${key}" attribute: a key in a web page can be read by anyone who opens it. ` +
      'Run `murmur serve` on your server (it adds the key there) and point endpoint at it.'
    );
  }
  const auth = (el.getAttribute('auth') ?? 'none').trim().toLowerCase();
  if (auth !== 'none' && auth !== '') {
    return (
      `<murmur-chat> supports auth="none" only (got "${auth}"): the widget never holds a key. ` +
      'Run `murmur serve`, which adds the key on your server.'
    );
  }
  return null;
}
