// Work that may wait a frame (rendering blocks that are off the live tail,
// putting rendered formulas in place) is queued here and done in animation
// frames, a few milliseconds per frame, so that no reply, however large or
// hostile, keeps the main thread for much longer than one frame's work.

export interface SchedulerOptions {
  /** Milliseconds of queued work per frame (one task always runs). */
  budgetMs?: number;
  /** How to wait for the next frame; requestAnimationFrame by default. */
  frame?: (cb: () => void) => void;
  now?: () => number;
}

export class FrameScheduler {
  private queue: Array<() => void> = [];
  private head = 0;
  private waiting = false;
  private readonly budget: number;
  private readonly frame: (cb: () => void) => void;
  private readonly now: () => number;

  constructor(opts: SchedulerOptions = {}) {
    this.budget = opts.budgetMs ?? 6;
    this.frame = opts.frame ?? nextFrame;
    this.now = opts.now ?? (() => performance.now());
  }

  /** Tasks waiting. */
  get pending(): number {
    return this.queue.length - this.head;
  }

  /** Queues task for a coming frame, after what is already queued. */
  add(task: () => void): void {
    this.queue.push(task);
    this.wake();
  }

  /** Runs queued tasks for at most the budget; what is left waits for the next frame. */
  runSlice(): void {
    const start = this.now();
    do {
      this.runOne();
    } while (this.pending > 0 && this.now() - start < this.budget);
  }

  /** Runs everything queued, including what the tasks queue; for tests and for "now, whatever it costs". */
  flush(): void {
    while (this.pending > 0) {
      this.runOne();
    }
  }

  private runOne() {
    const task = this.queue[this.head];
    this.queue[this.head] = noop;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    try {
      task?.();
    } catch (e) {
      // One failing task must not stop the others; it is a bug, so say so.
      console.error('murmur: render task failed', e);
    }
  }

  private wake() {
    if (this.waiting) {
      return;
    }
    this.waiting = true;
    this.frame(() => {
      this.waiting = false;
      if (this.pending > 0) {
        this.runSlice();
      }
      if (this.pending > 0) {
        this.wake();
      }
    });
  }
}

/** Calls cb in the next animation frame (a timer where there are none). */
export function nextFrame(cb: () => void): void {
  if (typeof requestAnimationFrame === 'function') {
    requestAnimationFrame(() => cb());
  } else {
    setTimeout(cb, 16);
  }
}

function noop() {}
