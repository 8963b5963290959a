// What every rendered message on a page shares: the sanitiser, the formatter
// (a worker), the frame scheduler, and the caches of sanitised formulas and
// highlighted code by source. It fills slots: from the cache at once, else
// when the formatter answers, always through sanitize() first.
import { LRU } from './cache';
import { defaultFormatter, type Formatter } from './formatter';
import type { FormatJob, FormatResult } from './jobs';
import { createSanitizer, fragmentOf, loadableImage, type Sanitizer } from './sanitize';
import { FrameScheduler } from './scheduler';
import { isSlot, slotJob, slotKey, slotSelector } from './slots';

export interface Limits {
  /** Sanitised formula markup longer than this waits for a click on "Show formula". */
  mathAutoChars: number;
  /** Highlighted code longer than this stays plain (it is readable as it is). */
  codeAutoChars: number;
}

const defaultLimits: Limits = { mathAutoChars: 32_000, codeAutoChars: 96_000 };

/** Characters of formatter output sanitised in one pass. */
const batchChars = 12_000;
/** Rendered formulas put in place together, or after this long, whichever comes first. */
const placeBatch = 12;
const placeWaitMs = 100;

export interface RenderServiceOptions {
  scheduler?: FrameScheduler;
  formatter?: Formatter;
  sanitizer?: Sanitizer;
  limits?: Partial<Limits>;
}

interface Entry {
  /** Sanitised markup; null when the source is best shown as it is. */
  html: string | null;
  /** Unsanitised markup too large to insert unasked (a formula only). */
  large?: string;
}

interface Waiter {
  el: Element;
  alive: () => boolean;
}

/** The context a slot is filled in: the renderer it belongs to. */
export interface SlotHost {
  /** Whether el is still shown (a tail re-render may have replaced it). */
  owns(el: Element): boolean;
  /** Image URLs the user chose to load in this reply. */
  approvedImages: Set<string>;
}

export class RenderService {
  readonly scheduler: FrameScheduler;
  readonly formatter: Formatter;
  readonly sanitizer: Sanitizer;
  readonly limits: Limits;
  // Bounded by count and by characters of markup (about 2 bytes each).
  private math = new LRU<Entry>(3_000, 6_000_000);
  private code = new LRU<Entry>(300, 3_000_000);
  private waiters = new Map<string, Waiter[]>();
  /** Formulas the user asked to see whatever their size. */
  private forced = new Set<string>();
  private incoming: Array<{ job: FormatJob; r: FormatResult }> = [];
  private incomingHead = 0;
  private draining = false;
  private placements: Array<() => void> = [];
  private placing = false;

  constructor(opts: RenderServiceOptions = {}) {
    this.scheduler = opts.scheduler ?? new FrameScheduler();
    this.formatter = opts.formatter ?? defaultFormatter(this.scheduler);
    this.sanitizer = opts.sanitizer ?? createSanitizer();
    this.limits = { ...defaultLimits, ...opts.limits };
  }

  dispose(): void {
    this.formatter.dispose();
    this.waiters.clear();
    this.math.clear();
    this.code.clear();
  }

  /** Formulas and code blocks held, for tests and the benchmark. */
  get cached(): { math: number; code: number } {
    return { math: this.math.size, code: this.code.size };
  }

  /** Formatter answers not yet back. */
  get waiting(): number {
    return this.waiters.size;
  }

  /** Decorates and fills every slot in root (root itself included) that is not filled yet. */
  fill(root: Element, host: SlotHost): void {
    const slots: Element[] = isSlot(root) ? [root] : [];
    slots.push(...Array.from(root.querySelectorAll(slotSelector)));
    for (const el of slots) {
      slotKey(el); // remember its identity before filling changes its text
      if (el.classList.contains('math-slot')) {
        if (!el.classList.contains('math-done') && !el.classList.contains('math-wait')) {
          this.fillMath(el, host);
        }
      } else if (el.classList.contains('code-block')) {
        if (!el.classList.contains('code-ready')) {
          this.fillCode(el, host);
        }
      } else if (!el.classList.contains('image-ready')) {
        this.fillImage(el, host);
      }
    }
  }

  private fillMath(el: Element, host: SlotHost) {
    const job = slotJob(el);
    if (!job) {
      return;
    }
    el.classList.add('math-wait');
    const entry = this.math.get(job.key);
    if (entry) {
      this.placeMath(el, entry, job);
      return;
    }
    if (this.formatter.costly(job) && !this.forced.has(job.key)) {
      this.offer(el, job, host);
      return;
    }
    this.request(job, el, host);
  }

  private fillCode(el: Element, host: SlotHost) {
    el.classList.add('code-ready');
    const head = el.querySelector('.code-head');
    if (head && !head.querySelector('.code-copy')) {
      const b = el.ownerDocument.createElement('button');
      b.type = 'button';
      b.className = 'code-copy';
      b.textContent = 'Copy';
      b.setAttribute('aria-label', 'Copy code');
      head.append(b);
    }
    const job = slotJob(el);
    if (!job || job.kind !== 'code' || !job.lang || el.classList.contains('code-open')) {
      return; // nothing to highlight, or still arriving: plain until it is closed
    }
    const entry = this.code.get(job.key);
    if (entry) {
      this.placeCode(el, entry);
      return;
    }
    if (this.formatter.costly(job)) {
      return; // long code stays plain rather than hold the page
    }
    this.request(job, el, host);
  }

  private fillImage(el: Element, host: SlotHost) {
    el.classList.add('image-ready');
    const href = el.querySelector('a')?.getAttribute('href') ?? '';
    if (!loadableImage(href)) {
      return;
    }
    if (host.approvedImages.has(href)) {
      showImage(el, href);
      return;
    }
    const b = el.ownerDocument.createElement('button');
    b.type = 'button';
    b.className = 'image-load';
    b.textContent = 'Load image';
    b.title = `Load ${href}`;
    el.append(b);
  }

  private request(job: FormatJob, el: Element, host: SlotHost) {
    const w = this.waiters.get(job.key);
    const waiter = { el, alive: () => host.owns(el) };
    if (w) {
      w.push(waiter);
      return;
    }
    this.waiters.set(job.key, [waiter]);
    this.formatter.format(job, (r) => this.receive(job, r));
  }

  private receive(job: FormatJob, r: FormatResult) {
    this.incoming.push({ job, r });
    if (!this.draining) {
      this.draining = true;
      this.scheduler.add(() => this.drain());
    }
  }

  /**
   * Takes a batch of formatter answers: sanitise them in one pass, cache
   * them, and queue their placement for whoever is still waiting.
   */
  private drain() {
    const batch: Array<{ job: FormatJob; r: FormatResult; entry?: Entry; frag?: DocumentFragment }> = [];
    let chars = 0;
    while (this.incomingHead < this.incoming.length) {
      const next = this.incoming[this.incomingHead]!;
      const n = next.r.html?.length ?? 0;
      if (batch.length > 0 && chars + n > batchChars) {
        break;
      }
      this.incomingHead++;
      batch.push(next);
      chars += n;
    }
    if (this.incomingHead === this.incoming.length) {
      this.incoming = [];
      this.incomingHead = 0;
    }
    const clean: typeof batch = [];
    for (const item of batch) {
      const { job, r } = item;
      const math = job.kind === 'math';
      const limit = math ? this.limits.mathAutoChars : this.limits.codeAutoChars;
      if (r.html === null) {
        item.entry = { html: null };
      } else if (r.html.length > limit && !(math && this.forced.has(job.key))) {
        item.entry = math ? { html: null, large: r.html } : { html: null };
      } else {
        clean.push(item);
      }
    }
    if (clean.length > 0) {
      const done = this.sanitizer.sanitizeEach(clean.map((i) => i.r.html!));
      clean.forEach((item, i) => {
        item.entry = { html: done[i]!.html };
        item.frag = done[i]!.frag;
      });
    }
    for (const { job, entry, frag } of batch) {
      const math = job.kind === 'math';
      (math ? this.math : this.code).set(job.key, entry!, job.key.length + (entry!.html ?? entry!.large ?? '').length);
      const waiting = this.waiters.get(job.key) ?? [];
      this.waiters.delete(job.key);
      let first = frag;
      for (const w of waiting) {
        const nodes = first;
        first = undefined;
        this.placements.push(() => {
          if (!w.alive()) {
            return;
          }
          if (math) {
            this.placeMath(w.el, entry!, job, nodes);
          } else {
            this.placeCode(w.el, entry!, nodes);
          }
        });
      }
    }
    if (this.incoming.length > 0) {
      this.scheduler.add(() => this.drain());
    } else {
      this.draining = false;
    }
    this.schedulePlacements();
  }

  /**
   * Puts rendered formulas and code in place in batches: each change to what
   * is shown costs the page a layout and paint of what is around it, so many
   * formulas arriving together go in together (or after a moment), not one
   * frame each.
   */
  private schedulePlacements() {
    if (this.placing || this.placements.length === 0) {
      return;
    }
    this.placing = true;
    const since = performance.now();
    const step = () => {
      const more = this.incoming.length > 0 || this.waiters.size > 0;
      if (more && this.placements.length < placeBatch && performance.now() - since < placeWaitMs) {
        this.scheduler.add(step);
        return;
      }
      const list = this.placements;
      this.placements = [];
      this.placing = false;
      for (const p of list) {
        p();
      }
    };
    this.scheduler.add(step);
  }

  private placeMath(el: Element, entry: Entry, job: FormatJob, nodes?: DocumentFragment) {
    if (entry.html !== null) {
      el.replaceChildren(nodes ?? fragmentOf(el.ownerDocument, entry.html));
      el.classList.remove('math-wait', 'math-large');
      el.classList.add('math-done');
    } else if (entry.large !== undefined) {
      this.offerLarge(el, job);
    }
  }

  private placeCode(el: Element, entry: Entry, nodes?: DocumentFragment) {
    const code = el.querySelector('code');
    if (entry.html !== null && code) {
      code.replaceChildren(nodes ?? fragmentOf(el.ownerDocument, entry.html));
      code.classList.add('hljs');
    }
  }

  /** A formula too costly to render on the page unasked: the source with a button. */
  private offer(el: Element, job: FormatJob, host: SlotHost) {
    this.button(el, () => {
      this.forced.add(job.key);
      el.classList.remove('math-large');
      this.request(job, el, host);
    });
  }

  /** A formula rendered but too large to insert unasked. */
  private offerLarge(el: Element, job: FormatJob) {
    this.button(el, () => {
      const entry = this.math.get(job.key);
      if (entry?.large === undefined) {
        return;
      }
      // the user asked: this one insert may take longer than a frame
      const ready: Entry = { html: this.sanitizer.sanitizeToString(entry.large) };
      this.math.set(job.key, ready, job.key.length + (ready.html ?? '').length);
      this.placeMath(el, ready, job);
    });
  }

  private button(el: Element, onClick: () => void) {
    el.classList.add('math-large');
    if (el.querySelector('.math-show')) {
      return;
    }
    const b = el.ownerDocument.createElement('button');
    b.type = 'button';
    b.className = 'math-show';
    b.textContent = 'Show formula';
    b.title = 'A large formula: rendering it may take a moment';
    b.addEventListener('click', (e) => {
      e.preventDefault();
      e.stopPropagation();
      b.remove();
      onClick();
    });
    el.append(b);
  }
}

/** Replaces an image slot's button with the image; a failed load says so. */
export function showImage(el: Element, href: string): void {
  if (!loadableImage(href) || el.querySelector('img')) {
    return;
  }
  const doc = el.ownerDocument;
  const img = doc.createElement('img');
  img.setAttribute('referrerpolicy', 'no-referrer');
  img.setAttribute('decoding', 'async');
  img.alt = el.querySelector('a')?.textContent ?? '';
  img.addEventListener('error', () => {
    const note = doc.createElement('span');
    note.className = 'image-error';
    note.textContent = 'The image could not be loaded.';
    img.replaceWith(note);
  });
  img.src = href;
  el.querySelector('.image-load')?.remove();
  el.append(img);
  el.classList.add('image-shown');
}

let shared: RenderService | null = null;

/** The page's one service, made the first time a message is rendered. */
export function pageService(): RenderService {
  shared ??= new RenderService();
  return shared;
}
