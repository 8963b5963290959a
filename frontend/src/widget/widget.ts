// <murmur-chat>: the loader a host page adds with one script tag. It stays
// small and never blocks the page: it draws the launcher button (or an
// empty frame) in a shadow root, and loads the chat itself — the Svelte
// panel and the Go core as WebAssembly — when the widget is first opened
// or scrolled into view.
import { observed, readConfig, refusal, type WidgetConfig } from './config';
import type { Panel } from './panel';

/** Where widget.js was served from: its files and the default endpoint. */
const base = new URL('.', import.meta.url);

const loaderCSS = `
:host { all: initial !important; display: block !important; contain: content; color-scheme: light dark;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif !important;
  color: #1b1b1f !important; --murmur-accent: #4654d6; --murmur-accent-fg: #fff; }
:host([hidden]) { display: none !important; }
:host([mode="launcher"]) { display: contents !important; }
.frame { all: initial; display: block; box-sizing: border-box; font: inherit; color: inherit;
  height: var(--murmur-height, 32rem); min-height: 16rem; border: 1px solid #d8d8df; border-radius: 12px; overflow: hidden; background: #fff; }
.launcher { all: initial; position: fixed; z-index: 2147483000; inset: auto 20px 20px auto; width: 56px; height: 56px;
  border-radius: 50%; background: var(--murmur-accent); color: var(--murmur-accent-fg); cursor: pointer;
  display: grid; place-items: center; box-shadow: 0 6px 20px rgb(20 20 40 / .25); }
.launcher:focus-visible { outline: 3px solid var(--murmur-accent); outline-offset: 3px; }
.launcher svg { width: 26px; height: 26px; }
.panel { all: initial; position: fixed; z-index: 2147483001; inset: auto 20px 88px auto; box-sizing: border-box;
  width: min(400px, calc(100vw - 40px)); height: min(600px, calc(100vh - 120px)); font: inherit; color: inherit;
  border: 1px solid #d8d8df; border-radius: 14px; overflow: hidden; background: #fff; box-shadow: 0 12px 40px rgb(20 20 40 / .28); }
.panel[hidden] { display: none; }
.loading { all: initial; display: grid; place-items: center; height: 100%; font: inherit; color: #5c5c66; }
@media (prefers-color-scheme: dark) { .frame:not(.light), .panel:not(.light) { background: #16161a; border-color: #3a3a44; } }
.frame.dark, .panel.dark { background: #16161a; border-color: #3a3a44; }
`;

const chatIcon =
  '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z"/></svg>';

class MurmurChat extends HTMLElement {
  static observedAttributes = observed;

  readonly #root: ShadowRoot;
  #frame: HTMLElement | null = null;
  #launcher: HTMLButtonElement | null = null;
  #panel: Promise<Panel> | null = null;
  #visible: IntersectionObserver | null = null;
  #opened = false;
  #sheet: CSSStyleSheet | null = null;
  #refused = '';

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
  }

  connectedCallback(): void {
    this.#check();
    this.#draw();
  }

  disconnectedCallback(): void {
    this.#visible?.disconnect();
    this.#visible = null;
    void this.#panel?.then((p) => p.destroy());
    this.#panel = null;
    this.#root.replaceChildren();
    this.#frame = this.#launcher = null;
  }

  attributeChangedCallback(name: string, before: string | null, after: string | null): void {
    if (before === after || !this.isConnected) return;
    this.#check();
    if (name === 'mode') {
      void this.#panel?.then((p) => p.destroy());
      this.#panel = null;
      this.#draw();
      return;
    }
    void this.#panel?.then((p) => p.configure(this.config, this.#refused));
    this.#applyTheme();
  }

  /** The element's configuration as read now. */
  get config(): WidgetConfig {
    return readConfig(this, base);
  }

  #check(): void {
    const why = refusal(this);
    if (why && why !== this.#refused) {
      console.error(why);
    }
    this.#refused = why ?? '';
  }

  #applyTheme(): void {
    const theme = this.config.theme;
    this.#frame?.classList.toggle('light', theme === 'light');
    this.#frame?.classList.toggle('dark', theme === 'dark');
  }

  #draw(): void {
    // A constructed sheet, not a <style>: hosts may forbid inline styles.
    this.#sheet ??= new CSSStyleSheet();
    this.#sheet.replaceSync(loaderCSS);
    this.#root.adoptedStyleSheets = [this.#sheet, ...this.#root.adoptedStyleSheets.filter((s) => s !== this.#sheet)];
    const frame = document.createElement('div');
    frame.setAttribute('part', 'panel');
    frame.title = ''; // the host's title attribute is the widget's title, not a tooltip
    const loading = document.createElement('div');
    loading.className = 'loading';
    loading.textContent = 'Loading…';
    frame.append(loading);
    this.#frame = frame;
    this.#visible?.disconnect();
    if (this.config.mode === 'launcher') {
      frame.className = 'panel';
      frame.hidden = !this.#opened;
      frame.setAttribute('role', 'dialog');
      frame.setAttribute('aria-label', this.config.title);
      const b = document.createElement('button');
      b.className = 'launcher';
      b.setAttribute('part', 'launcher');
      b.setAttribute('aria-label', `Open ${this.config.title}`);
      b.setAttribute('aria-expanded', String(this.#opened));
      b.innerHTML = chatIcon;
      b.addEventListener('click', () => (this.#opened ? this.close() : this.open()));
      // Loading starts when the pointer or focus comes near, before the click.
      b.addEventListener('pointerenter', () => void this.#load(), { once: true });
      b.addEventListener('focus', () => void this.#load(), { once: true });
      this.#launcher = b;
      frame.addEventListener('keydown', (e) => this.#trapKeys(e));
      this.#root.replaceChildren(b, frame);
    } else {
      frame.className = 'frame';
      this.#launcher = null;
      this.#root.replaceChildren(frame);
      this.#visible = new IntersectionObserver(
        (entries) => {
          if (entries.some((e) => e.isIntersecting)) {
            this.#visible?.disconnect();
            void this.#load();
          }
        },
        { rootMargin: '200px' },
      );
      this.#visible.observe(this);
    }
    this.#applyTheme();
  }

  /** Esc closes the launcher's panel; Tab stays inside it while open. */
  #trapKeys(e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      e.preventDefault();
      this.close();
      return;
    }
    if (e.key !== 'Tab' || !this.#frame) return;
    const focusable = [
      ...this.#frame.querySelectorAll<HTMLElement>('button:not([disabled]), textarea:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])'),
    ].filter((el) => el.offsetParent !== null);
    if (focusable.length === 0) return;
    const first = focusable[0]!;
    const last = focusable[focusable.length - 1]!;
    const active = this.#root.activeElement;
    if (e.shiftKey && active === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && active === last) {
      e.preventDefault();
      first.focus();
    }
  }

  #load(): Promise<Panel> {
    if (!this.#panel && this.#frame) {
      const frame = this.#frame;
      const onclose = this.#launcher ? () => this.close() : undefined;
      this.#panel = import('./panel').then((m) => m.mountPanel(this, frame, base, this.config, this.#refused, onclose));
      this.#panel.catch((e: unknown) => {
        const message = `The chat could not load: ${e instanceof Error ? e.message : String(e)}`;
        frame.textContent = message;
        this.#panel = null;
        this.dispatchEvent(new CustomEvent('murmur-error', { detail: { kind: 'unavailable', message }, bubbles: true, composed: true }));
      });
    }
    return this.#panel ?? Promise.reject(new Error('the widget is not on the page'));
  }

  /** Opens the launcher's panel (inline widgets are always open). */
  open(): void {
    if (!this.#launcher || !this.#frame) return;
    this.#opened = true;
    this.#frame.hidden = false;
    this.#launcher.setAttribute('aria-expanded', 'true');
    this.#launcher.setAttribute('aria-label', `Close ${this.config.title}`);
    void this.#load().then((p) => p.focus());
  }

  /** Closes the launcher's panel and gives focus back to the button. */
  close(): void {
    if (!this.#launcher || !this.#frame) return;
    this.#opened = false;
    this.#frame.hidden = true;
    this.#launcher.setAttribute('aria-expanded', 'false');
    this.#launcher.setAttribute('aria-label', `Open ${this.config.title}`);
    this.#launcher.focus();
  }

  /** Sends text as the user would; resolves when the reply has started. */
  async send(text: string): Promise<void> {
    const p = await this.#load();
    await p.send(text);
  }

  /** Starts a new conversation; the shown one is deleted. */
  async clear(): Promise<void> {
    const p = await this.#load();
    await p.clear();
  }
}

if (!customElements.get('murmur-chat')) {
  customElements.define('murmur-chat', MurmurChat);
}

export type { MurmurChat };
