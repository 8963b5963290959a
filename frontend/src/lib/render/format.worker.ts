// The formatting worker: takes batches of jobs, formats them in order and
// posts results back every few milliseconds, so the page sees formulas appear
// as they are done rather than all at the end of a long batch.
import { runJob } from './format';
import type { FormatJob, FormatResult } from './jobs';

/** The worker's global scope, typed without pulling the WebWorker lib into the page's types. */
const scope = self as unknown as {
  postMessage(message: FormatResult[]): void;
  onmessage: ((e: MessageEvent<FormatJob[]>) => void) | null;
};

const queue: FormatJob[] = [];
let head = 0;
let running = false;

function work() {
  const out: FormatResult[] = [];
  const start = performance.now();
  while (head < queue.length && performance.now() - start < 12) {
    out.push(runJob(queue[head++]!));
  }
  if (head === queue.length) {
    queue.length = 0;
    head = 0;
  }
  if (out.length > 0) {
    scope.postMessage(out);
  }
  running = head < queue.length;
  if (running) {
    // let the next batch of jobs (and nothing else) in between slices
    setTimeout(work, 0);
  }
}

scope.onmessage = (e) => {
  for (const job of e.data) {
    queue.push(job);
  }
  if (!running) {
    running = true;
    setTimeout(work, 0);
  }
};
