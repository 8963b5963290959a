// Who renders formulas and highlights code: a Web Worker when the page can
// start one (the work is pure string work and takes the main thread nowhere
// near KaTeX's seconds on a large matrix), else the page itself, one job per
// scheduled slice, and only small jobs unasked.
import type { FormatJob, FormatResult } from './jobs';
import type { FrameScheduler } from './scheduler';

export interface Formatter {
  /** Where formatting runs now: a worker, or the page (no worker, or it failed). */
  readonly where: 'worker' | 'page';
  /** Starts job; done is called once, later or at once, with the unsanitised result. */
  format(job: FormatJob, done: (r: FormatResult) => void): void;
  /**
   * True when running job would itself hold the main thread for long (no
   * worker and a large source): the page then asks the user first.
   */
  costly(job: FormatJob): boolean;
  dispose(): void;
}

type Run = (job: FormatJob) => FormatResult;

/** A source longer than this is too slow for the main thread to format unasked. */
const mainThreadMathLimit = 1_500;
const mainThreadCodeLimit = 40_000;

/**
 * Formats on the page, one job per scheduler slice: KaTeX and highlight.js
 * are loaded the first time they are needed. run may be given (tests pass
 * the module itself to have results at once).
 */
export class PageFormatter implements Formatter {
  readonly where = 'page';
  private run: Run | null;
  private loading: Promise<Run> | null = null;
  private waiting: Array<[FormatJob, (r: FormatResult) => void]> = [];

  constructor(
    private readonly scheduler: FrameScheduler,
    run?: Run,
  ) {
    this.run = run ?? null;
  }

  costly(job: FormatJob): boolean {
    return job.kind === 'math' ? job.tex.length > mainThreadMathLimit : job.code.length > mainThreadCodeLimit;
  }

  format(job: FormatJob, done: (r: FormatResult) => void): void {
    const run = this.run;
    if (run) {
      this.scheduler.add(() => done(run(job)));
      return;
    }
    this.waiting.push([job, done]);
    this.loading ??= import('./format').then((m) => m.runJob);
    this.loading.then(
      (r) => {
        this.run = r;
        const jobs = this.waiting;
        this.waiting = [];
        for (const [j, d] of jobs) {
          this.format(j, d);
        }
      },
      (e: unknown) => {
        const jobs = this.waiting;
        this.waiting = [];
        const error = e instanceof Error ? e.message : String(e);
        for (const [j, d] of jobs) {
          d({ key: j.key, html: null, error });
        }
      },
    );
  }

  dispose(): void {
    this.waiting = [];
  }
}

/**
 * Formats in a dedicated worker. Jobs asked for within one task are sent as
 * one message; results come back in batches. If the worker fails (it could
 * not be loaded, or it crashed), the jobs it held and all later ones go to
 * fallback.
 */
class WorkerFormatter implements Formatter {
  private worker: Worker | null;
  private outbox: FormatJob[] = [];
  private inflight = new Map<string, Array<(r: FormatResult) => void>>();
  private jobs = new Map<string, FormatJob>();

  constructor(
    worker: Worker,
    private readonly fallback: Formatter,
  ) {
    this.worker = worker;
    worker.onmessage = (e: MessageEvent<FormatResult[]>) => {
      for (const r of e.data) {
        this.settle(r);
      }
    };
    worker.onerror = (e) => {
      e.preventDefault();
      this.fail(e.message || 'it could not be loaded');
    };
    worker.onmessageerror = () => this.fail('a message could not be read');
  }

  get where(): 'worker' | 'page' {
    return this.worker ? 'worker' : 'page';
  }

  costly(job: FormatJob): boolean {
    return this.worker ? false : this.fallback.costly(job);
  }

  format(job: FormatJob, done: (r: FormatResult) => void): void {
    if (!this.worker) {
      this.fallback.format(job, done);
      return;
    }
    const waiting = this.inflight.get(job.key);
    if (waiting) {
      waiting.push(done);
      return;
    }
    this.inflight.set(job.key, [done]);
    this.jobs.set(job.key, job);
    if (this.outbox.length === 0) {
      queueMicrotask(() => this.send());
    }
    this.outbox.push(job);
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
    this.inflight.clear();
    this.jobs.clear();
    this.fallback.dispose();
  }

  private send() {
    const batch = this.outbox;
    this.outbox = [];
    if (batch.length > 0 && this.worker) {
      this.worker.postMessage(batch);
    }
  }

  private settle(r: FormatResult) {
    const waiting = this.inflight.get(r.key);
    this.inflight.delete(r.key);
    this.jobs.delete(r.key);
    for (const done of waiting ?? []) {
      done(r);
    }
  }

  private fail(why: string) {
    // not an error a person can act on, but worth a line for whoever reads the console
    console.warn(`murmur: the formatting worker stopped (${why}); formulas and code are formatted on the page`);
    this.worker?.terminate();
    this.worker = null;
    const held = [...this.jobs.values()];
    const waiting = this.inflight;
    this.inflight = new Map();
    this.jobs.clear();
    this.outbox = [];
    for (const job of held) {
      for (const done of waiting.get(job.key) ?? []) {
        this.fallback.format(job, done);
      }
    }
  }
}

/** The worker formatter where workers can be started, else the page formatter. */
export function defaultFormatter(scheduler: FrameScheduler): Formatter {
  const page = new PageFormatter(scheduler);
  if (typeof Worker !== 'function') {
    return page;
  }
  try {
    const worker = new Worker(new URL('./format.worker.ts', import.meta.url), { type: 'module', name: 'murmur-format' });
    return new WorkerFormatter(worker, page);
  } catch {
    return page;
  }
}
