// Renders a reply whose text grows (usually appended to, sometimes replaced
// wholesale) into a container, at a cost that does not grow with the reply.
//
// The text is cut into markdown-it's top-level blocks. A block is finished
// once two complete lines follow the start of the next one (no block rule
// looks further ahead, and $$ math stops at a blank line): finished blocks
// are rendered once and never parsed again. Each update parses only the
// unfinished tail (a block pass, no inline parsing), re-renders only tail
// blocks whose source changed, and patches their nodes in place. Reference
// definitions are the one thing that crosses blocks: when they change, the
// blocks that mention a changed label are rendered again.
//
// Every block's HTML goes through DOMPurify (RenderService.sanitizer) as a
// whole; formulas and code are filled in later from the service's caches or
// its worker, sanitised on their own before they are inserted.
import { hasTextFrom, normalizeSource, parseBlocks, referenceLabel, renderHTML, type RenderEnv } from './markdown';
import { patchNodes } from './patch';
import { codeGroups } from './lines';
import { nextFrame } from './scheduler';
import { forgetKey } from './slots';
import { pageService, showImage, type RenderService, type SlotHost } from './service';

type Refs = Record<string, { href: string; title: string }>;

/**
 * Blocks are grouped in chunk elements of at most this many blocks, or this
 * much weight: characters of source, and a formula's many elements counted
 * as 40 characters more (see place).
 */
const chunkBlocks = 16;
const chunkChars = 4_000;
const formulaWeight = 40;
/** A tail that takes longer than this to render is throttled (see throttled). */
const tailBudgetMs = 4;

interface Fence {
  /** The fence character and how many of them opened it. */
  char: string;
  len: number;
  /** Columns of indentation of the opening line, taken off each code line. */
  indent: number;
}

interface Chunk {
  el: HTMLElement;
  blocks: number;
  chars: number;
  /** Blocks in it still waiting to be rendered. */
  waiting: number;
  /** No more blocks go in (a later chunk was started). */
  closed: boolean;
  sealing: boolean;
}

interface Block {
  /** Offset of its first line in the (normalised) text. */
  start: number;
  src: string;
  /** Its top-level nodes, in its chunk; a comment while it waits to be rendered. */
  nodes: ChildNode[];
  /** The chunk it was put in (blocks never move between chunks). */
  chunk: Chunk | null;
  rendered: boolean;
  /** The references version it was rendered with. */
  refs: number;
  /** Reference labels it defined first. */
  labels: string[];
  /** Where the next block starts (finished blocks). */
  next: number;
  /** The end of the text that decided it is finished (finished blocks). */
  settledBy: number;
  dead: boolean;
  /** Whether it was rendered with a fence still open (its code still arriving). */
  open: boolean;
  /** For a top-level fence: how it opened, so that appended code can go in without parsing again. */
  fence?: Fence;
  /** A change of references it mentions is waiting for it to be rendered again. */
  stale: boolean;
  /** Its source in the form reference labels are compared in, made when first needed. */
  upper?: string;
}

export interface StreamRendererOptions {
  service?: RenderService;
  /** Copies a code block's text; the button says "Copied" when it resolves true. */
  copy?: (text: string) => Promise<boolean> | boolean;
  /**
   * How many characters of finished blocks to render at once when much text
   * arrives in one update (opening a long reply); the rest follows in later
   * frames through the scheduler. The growing tail is always rendered at once.
   */
  syncChars?: number;
  /**
   * Whether a tail block that is slow to render waits while it grows (see
   * throttled); on by default. clock measures that cost (tests pass a fake).
   */
  throttle?: boolean;
  clock?: () => number;
}

export class StreamRenderer {
  readonly container: HTMLElement;
  private readonly service: RenderService;
  private readonly copy?: (text: string) => Promise<boolean> | boolean;
  private readonly syncChars: number;
  private readonly throttle: boolean;
  private readonly clock: () => number;
  private readonly host: SlotHost;
  /**
   * The text as given. Its normalised form (what is rendered) is not kept
   * beside it: pieces appended to it would be slices of each frame's whole
   * text, and a rope of them keeps every one of those copies alive.
   */
  private raw = '';
  /** The text from parseStart on: what the next update parses. */
  private region = '';
  private regionStart = 0;
  private final: Block[] = [];
  private tail: Block[] = [];
  private finalRefs: Refs = {};
  private refs: Refs = {};
  private refsSig = '';
  private refsVersion = 0;
  private dead = false;
  private chunks: Chunk[] = [];
  private chunkOf = new WeakMap<Node, Chunk>();
  private toSeal: Chunk[] = [];
  /** Text arrived while the tail was throttled; a timer (or flush) renders it. */
  private deferred = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Until when the costly tail block waits; which block that is. */
  private tailDue = 0;
  private tailStart = -1;
  private readonly onClick = (e: MouseEvent) => this.click(e);

  constructor(container: HTMLElement, opts: StreamRendererOptions = {}) {
    this.container = container;
    this.service = opts.service ?? pageService();
    this.copy = opts.copy;
    this.syncChars = opts.syncChars ?? 6_000;
    this.throttle = opts.throttle ?? true;
    this.clock = opts.clock ?? (() => performance.now());
    this.host = { owns: (el) => !this.dead && this.container.contains(el), approvedImages: new Set() };
    container.addEventListener('click', this.onClick);
  }

  /** The text rendered so far (normalised). */
  get source(): string {
    return normalizeSource(this.raw);
  }

  /** Blocks that will not be parsed again, and blocks of the growing tail; for tests and the benchmark. */
  get stats(): { finished: number; tail: number; pending: number } {
    return {
      finished: this.final.length,
      tail: this.tail.length,
      pending: this.final.filter((b) => !b.rendered).length,
    };
  }

  /**
   * Shows text, the reply's whole text so far. Call it at most once per
   * frame; it does the growing tail's work now and queues the rest.
   */
  update(raw: string): void {
    if (this.dead || raw === this.raw) {
      return;
    }
    // Appended to (the usual case): only the new part is looked at, and the
    // whole text is never copied or compared again (it grows as a rope).
    const appended = raw.length > this.raw.length && !this.raw.endsWith('\r') && raw.startsWith(this.raw);
    if (appended) {
      // (normalising piece by piece is normalising the whole: raw did not end in \r)
      const delta = normalizeSource(raw.slice(this.raw.length));
      this.raw = raw;
      this.region += delta;
      if (this.growOpenFence() || this.throttled()) {
        return;
      }
    } else {
      const was = normalizeSource(this.raw);
      this.raw = raw;
      const text = normalizeSource(raw);
      if (text === was) {
        return;
      }
      if (!text.startsWith(was)) {
        this.rollback(commonPrefix(was, text));
      }
      this.regionStart = this.parseStart;
      this.region = text.slice(this.regionStart);
    }
    this.deferred = false;
    this.reparse();
  }

  /**
   * The reply is inside a code block that is still open (its only unfinished
   * block is a top-level fence): appended code goes straight into the code
   * element's text, with no parsing, sanitising or patching, until a line
   * could close the fence. A long code block then costs what its new lines
   * cost, not what all of it does.
   */
  private growOpenFence(): boolean {
    const b = this.tail.length === 1 ? this.tail[0]! : null;
    const f = b?.fence;
    if (!b || !f || f.indent > 0 || this.deferred || !b.open || b.start !== this.regionStart || !b.rendered || !b.src.includes('\n')) {
      // (an indented fence takes columns off each line, and an opening line
      // still arriving may yet turn out not to open a fence: markdown-it decides)
      return false;
    }
    const src = this.region;
    const close = new RegExp(`^ {0,3}${f.char === '`' ? '`' : '~'}{${f.len},}[ \\t]*$`);
    const firstNew = src.lastIndexOf('\n', b.src.length - 1) + 1;
    for (const line of src.slice(Math.max(firstNew, src.indexOf('\n') + 1)).split('\n')) {
      if (close.test(line)) {
        return false; // may close: the whole block is parsed again
      }
    }
    const code = b.nodes.find((n): n is Element => n.nodeType === 1)?.querySelector('code');
    const groups = codeGroups(fenceContent(src));
    const shown = code ? Array.from(code.children) : [];
    if (!code || shown.length > groups.length || shown.some((g) => g.className !== 'code-lines')) {
      return false;
    }
    // full groups are as they were; the last one shown grows, new ones follow
    for (let i = Math.max(0, shown.length - 1); i < groups.length; i++) {
      const g = groups[i]!;
      const el = shown[i];
      if (!el) {
        const span = code.ownerDocument.createElement('span');
        span.className = 'code-lines';
        span.textContent = g;
        code.append(span);
        continue;
      }
      const t = el.firstChild;
      if (t && t.nodeType === 3 && el.childNodes.length === 1 && g.startsWith((t as Text).data)) {
        (t as Text).appendData(g.slice((t as Text).data.length));
      } else {
        el.textContent = g;
      }
    }
    forgetKey(code.closest('.code-block')!);
    b.src = src;
    b.upper = undefined;
    return true;
  }

  /**
   * A tail block that is costly to render (a list of hundreds of items, a
   * huge table) is rendered again at most one frame in five while it grows:
   * the text is kept and shown a little later, so the page stays responsive.
   */
  private throttled(): boolean {
    if (!this.throttle) {
      return false;
    }
    const now = this.clock();
    if (now >= this.tailDue) {
      return false;
    }
    this.deferred = true;
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.catchUp();
      }, this.tailDue - now);
    }
    return true;
  }

  private catchUp() {
    if (this.deferred && !this.dead) {
      this.deferred = false;
      this.reparse();
    }
  }

  /** True while text that arrived is not shown yet (a slow tail block is waiting; see throttled). */
  get behind(): boolean {
    return this.deferred;
  }

  /** Does all queued work now (tests; a caller about to measure or print). */
  flush(): void {
    this.catchUp();
    this.service.scheduler.flush();
  }

  destroy(): void {
    this.dead = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.container.removeEventListener('click', this.onClick);
    for (const b of this.final) {
      b.dead = true;
    }
    for (const b of this.tail) {
      b.dead = true;
    }
  }

  // ---- structure -----------------------------------------------------------

  /** Forgets finished blocks that text from offset p on could change. */
  private rollback(p: number) {
    while (this.final.length > 0 && this.final[this.final.length - 1]!.settledBy > p) {
      const b = this.final.pop()!;
      this.kill(b);
      for (const l of b.labels) {
        delete this.finalRefs[l];
      }
    }
  }

  private get parseStart(): number {
    return this.final.length > 0 ? this.final[this.final.length - 1]!.next : 0;
  }

  private reparse() {
    const t0 = this.clock();
    this.reparseNow();
    const last = this.tail[this.tail.length - 1];
    const cost = this.clock() - t0;
    const start = last ? last.start : -1;
    this.tailDue = start === this.tailStart && cost > tailBudgetMs ? t0 + cost * 5 : 0;
    this.tailStart = start;
  }

  private reparseNow() {
    const base = this.regionStart;
    const region = this.region;
    const env: RenderEnv = { references: { ...this.finalRefs } };
    const tokens = parseBlocks(region, env);

    const lineStarts = [0];
    for (let i = region.indexOf('\n'); i >= 0; i = region.indexOf('\n', i + 1)) {
      lineStarts.push(i + 1);
    }
    const complete = lineStarts.length - 1;
    const offset = (line: number) => base + (line < lineStarts.length ? lineStarts[line]! : region.length);

    // top-level blocks and the reference labels each defines first
    const spans: Array<{ from: number; to: number; labels: string[]; ref: boolean; open: boolean; fence?: Fence }> = [];
    for (const t of tokens) {
      if (t.level === 0 && t.nesting >= 0 && t.map) {
        const fence = t.type === 'fence' ? fenceOf(region, lineStarts[t.map[0]]!, t.markup) : undefined;
        spans.push({ from: t.map[0], to: t.map[1], labels: [], ref: t.type === 'reference_definition', open: false, fence });
      }
      if (t.type === 'fence' && (t.meta as { open?: boolean } | null)?.open && spans.length > 0) {
        spans[spans.length - 1]!.open = true;
      }
      if (t.type === 'reference_definition' && t.map && spans.length > 0) {
        const label = (t.meta as { label?: string } | null)?.label;
        if (label && !(label in this.finalRefs) && !spans.some((s) => s.labels.includes(label))) {
          spans[spans.length - 1]!.labels.push(label);
        }
      }
    }
    this.updateRefs(env.references ?? {});

    // Finished: two complete lines follow the next block's start. A reference
    // definition followed by a line that could begin its title (which may go
    // on for lines) waits until a blank line ends that paragraph.
    const line = (n: number) => region.slice(lineStarts[n]!, n + 1 < lineStarts.length ? lineStarts[n + 1]! - 1 : region.length);
    const settled = (i: number) => {
      if (spans[i + 1]!.from + 1 >= complete) {
        return false;
      }
      const s = spans[i]!;
      if (!s.ref || s.to >= complete || !/^\s*["'(]/.test(line(s.to))) {
        return true;
      }
      for (let n = s.to + 1; n < complete; n++) {
        if (line(n).trim() === '') {
          return true;
        }
      }
      return false;
    };
    let done = 0;
    while (done < spans.length - 1 && settled(done)) {
      done++;
    }

    const old = new Map<number, Block>();
    for (const b of this.tail) {
      old.set(b.start, b);
    }
    const want = spans.map((s, i) => ({
      start: offset(s.from),
      src: region.slice(offset(s.from) - base, offset(s.to) - base),
      labels: s.labels,
      open: s.open,
      fence: s.fence,
      finished: i < done,
      next: i + 1 < spans.length ? offset(spans[i + 1]!.from) : offset(s.to),
      settledBy: i + 1 < spans.length ? offset(spans[i + 1]!.from + 2) : base + region.length,
    }));
    // old tail blocks nothing new starts at go first, so those left are in order
    const used = new Set(want.map((w) => w.start));
    for (const b of this.tail) {
      if (!used.has(b.start)) {
        this.kill(b);
        old.delete(b.start);
      }
    }

    const tail: Block[] = [];
    let budget = this.syncChars;
    for (const w of want) {
      let b = old.get(w.start);
      if (b && b.src === w.src && b.open === w.open) {
        b.labels = w.labels;
        if (b.refs !== this.refsVersion) {
          this.render(b);
        }
      } else if (b) {
        b.src = w.src;
        b.open = w.open;
        b.fence = w.fence;
        b.labels = w.labels;
        b.upper = undefined;
        this.render(b);
      } else {
        b = {
          start: w.start,
          src: w.src,
          nodes: [],
          chunk: null,
          rendered: false,
          refs: -1,
          labels: w.labels,
          next: 0,
          settledBy: 0,
          dead: false,
          stale: false,
          open: w.open,
          fence: w.fence,
        };
        const before = this.anchor(old, w.start);
        this.place(b, before);
        if (!w.finished || budget > 0) {
          budget -= w.src.length;
          this.render(b, before);
        } else {
          const mark = this.container.ownerDocument.createComment('');
          b.chunk!.el.insertBefore(mark, before);
          b.chunk!.waiting++;
          b.nodes = [mark];
          this.service.scheduler.add(() => {
            if (!b!.dead && !b!.rendered) {
              this.render(b!);
            }
          });
        }
      }
      if (w.finished) {
        b.next = w.next;
        b.settledBy = w.settledBy;
        this.final.push(b);
        for (const l of b.labels) {
          this.finalRefs[l] = this.refs[l]!;
        }
      } else {
        tail.push(b);
      }
    }
    this.tail = tail;
    const start = this.parseStart;
    if (start !== base) {
      this.region = region.slice(start - base);
      this.regionStart = start;
    }
  }

  /** The node a new block starting at start goes before: the first node of the next old block that stays. */
  private anchor(old: Map<number, Block>, start: number): Node | null {
    let best: Block | null = null;
    for (const b of old.values()) {
      if (b.start > start && b.nodes.length > 0 && (!best || b.start < best.start)) {
        best = b;
      }
    }
    return best ? best.nodes[0]! : null;
  }

  /** The first node after b's place among the blocks in parent (a re-render of a block that showed nothing). */
  private anchorIn(b: Block, parent: Node): Node | null {
    const all = [...this.final, ...this.tail];
    const i = all.indexOf(b);
    if (i < 0) {
      return null;
    }
    for (let j = i + 1; j < all.length; j++) {
      const n = all[j]!.nodes[0];
      if (n && n.parentNode === parent) {
        return n;
      }
    }
    return null;
  }

  private kill(b: Block) {
    b.dead = true;
    for (const n of b.nodes) {
      n.remove();
    }
    b.nodes = [];
    const c = b.chunk;
    if (c) {
      c.blocks--;
      if (!b.rendered) {
        c.waiting--;
      }
      if (c.blocks <= 0 && c !== this.chunks[this.chunks.length - 1]) {
        c.el.remove();
        this.chunks = this.chunks.filter((x) => x !== c);
      } else {
        this.seal(c);
      }
    }
  }

  /**
   * Puts a new block in a chunk: the one holding the node it must go before,
   * else the last chunk, or a new one when that is full. A full chunk is
   * sealed (content-visibility: auto) once all its blocks are rendered and
   * two frames have laid it out, so that its size is remembered: then the
   * page skips the layout and paint of whatever is off screen, and what the
   * growing tail costs does not depend on how much is above it.
   */
  private place(b: Block, before: Node | null) {
    let chunk = before?.parentNode ? (this.chunkOf.get(before.parentNode) ?? null) : null;
    if (!chunk) {
      chunk = this.chunks[this.chunks.length - 1] ?? null;
      if (!chunk || chunk.blocks >= chunkBlocks || chunk.chars >= chunkChars) {
        const full = chunk;
        const el = this.container.ownerDocument.createElement('div');
        el.className = 'md-chunk';
        this.container.append(el);
        chunk = { el, blocks: 0, chars: 0, waiting: 0, closed: false, sealing: false };
        this.chunkOf.set(el, chunk);
        this.chunks.push(chunk);
        if (full) {
          full.closed = true;
          this.seal(full);
        }
      }
    }
    b.chunk = chunk;
    chunk.blocks++;
    chunk.chars += b.src.length + formulaWeight * dollars(b.src);
  }

  private seal(c: Chunk) {
    if (!c.closed || c.waiting > 0 || c.sealing) {
      return;
    }
    c.sealing = true;
    this.toSeal.push(c);
    if (this.toSeal.length === 1) {
      nextFrame(() => nextFrame(() => this.sealOne()));
    }
  }

  /** Seals one chunk per frame: each costs the page a paint-tree update. */
  private sealOne() {
    const c = this.toSeal.shift();
    if (c && !this.dead && c.el.isConnected) {
      c.el.classList.add('sealed');
    }
    if (this.toSeal.length > 0 && !this.dead) {
      nextFrame(() => this.sealOne());
    }
  }

  // ---- references ------------------------------------------------------------

  private updateRefs(refs: Refs) {
    const sig = Object.keys(refs).length === 0 ? '' : JSON.stringify(refs);
    if (sig === this.refsSig) {
      this.refs = refs;
      return;
    }
    const before = this.refs;
    const changed: string[] = [];
    for (const k of new Set([...Object.keys(before), ...Object.keys(refs)])) {
      const a = before[k];
      const b = refs[k];
      if (!a || !b || a.href !== b.href || a.title !== b.title) {
        changed.push(k);
      }
    }
    this.refs = refs;
    this.refsSig = sig;
    const version = ++this.refsVersion;
    for (const b of this.final) {
      if (!b.rendered) {
        continue; // it will be rendered with what is current then
      }
      if (!b.stale && !mentions(b, changed)) {
        b.refs = version;
        continue;
      }
      if (b.stale) {
        continue; // already queued
      }
      b.stale = true;
      this.service.scheduler.add(() => {
        if (!b.dead && b.stale) {
          this.render(b);
        }
      });
    }
  }

  // ---- rendering -------------------------------------------------------------

  private render(b: Block, before: Node | null = null) {
    // only the last block can have nothing but white space after it
    const from = b.start + b.src.length - this.regionStart;
    const atEnd = from >= 0 && !hasTextFrom(this.region, from);
    const html = renderHTML(b.src, { references: this.refs, atEnd });
    const frag = this.service.sanitizer.sanitize(html);
    const fresh = Array.from(frag.childNodes);
    const parent = b.chunk?.el ?? this.container;
    const wasWaiting = !b.rendered && b.nodes.length > 0;
    if (b.nodes.length > 0) {
      b.nodes = patchNodes(b.nodes[0]!.parentNode ?? parent, b.nodes, fresh);
    } else {
      parent.insertBefore(frag, before && before.parentNode === parent ? before : this.anchorIn(b, parent));
      b.nodes = fresh;
    }
    b.rendered = true;
    b.refs = this.refsVersion;
    if (wasWaiting && b.chunk) {
      b.chunk.waiting--;
      this.seal(b.chunk);
    }
    b.stale = false;
    for (const n of b.nodes) {
      if (n.nodeType === 1) {
        this.service.fill(n as Element, this.host);
      }
    }
  }

  // ---- buttons -----------------------------------------------------------------

  private click(e: MouseEvent) {
    const t = e.target instanceof Element ? e.target : null;
    const button = t?.closest('button');
    if (!button || !this.container.contains(button)) {
      return;
    }
    if (button.classList.contains('code-copy')) {
      e.preventDefault();
      const code = button.closest('.code-block')?.querySelector('code')?.textContent ?? '';
      void this.copyCode(button, code);
    } else if (button.classList.contains('image-load')) {
      e.preventDefault();
      e.stopPropagation();
      const slot = button.closest('.image-slot');
      const href = slot?.querySelector('a')?.getAttribute('href') ?? '';
      if (slot) {
        this.host.approvedImages.add(href);
        showImage(slot, href);
      }
    }
  }

  private async copyCode(button: HTMLButtonElement, code: string) {
    let ok = false;
    try {
      ok = (await this.copy?.(code)) ?? false;
    } catch {
      ok = false;
    }
    button.textContent = ok ? 'Copied' : 'Copy failed';
    setTimeout(() => (button.textContent = 'Copy'), 1500);
  }
}

/** Whether b's source could use one of the reference labels. */
function mentions(b: Block, labels: string[]): boolean {
  if (labels.length === 0 || !b.src.includes('[')) {
    return false;
  }
  b.upper ??= referenceLabel(b.src);
  return labels.some((l) => b.upper!.includes(l));
}

/** How a fence opened, from its first line (at offset from in src). */
function fenceOf(src: string, from: number, markup: string): Fence | undefined {
  const m = /^( {0,3})([`~]{3,})/.exec(src.slice(from, from + 64));
  if (!m || !markup) {
    return undefined;
  }
  return { char: markup[0]!, len: markup.length, indent: m[1]!.length };
}

/**
 * The code of an unclosed, unindented fence that starts src, as markdown-it
 * gives it: the lines after the opening one; a last line of only white space
 * is not part of it.
 */
function fenceContent(src: string): string {
  const nl = src.indexOf('\n');
  if (nl < 0) {
    return '';
  }
  const body = src.slice(nl + 1);
  const lastNl = body.lastIndexOf('\n');
  return body.slice(lastNl + 1).trim() === '' ? body.slice(0, lastNl + 1) : body;
}

/** How many $ signs src has (about two per formula). */
function dollars(src: string): number {
  let n = 0;
  for (let i = src.indexOf('$'); i >= 0; i = src.indexOf('$', i + 1)) {
    n++;
  }
  return n;
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) {
    i++;
  }
  return i;
}

/**
 * Renders text in one pass, as one markdown-it document, into container:
 * what StreamRenderer shows once it has caught up. For tests (incremental
 * equals at once) and for text that never grows.
 */
export function renderWhole(container: HTMLElement, text: string, service: RenderService = pageService()): void {
  const host: SlotHost = { owns: (el) => container.contains(el), approvedImages: new Set() };
  const frag = service.sanitizer.sanitize(renderHTML(normalizeSource(text), {}));
  const nodes = Array.from(frag.childNodes);
  container.replaceChildren(frag);
  for (const n of nodes) {
    if (n.nodeType === 1) {
      service.fill(n as Element, host);
    }
  }
}
