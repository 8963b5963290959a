// Test helpers: a render service whose formatter answers on the next flush
// (KaTeX and highlight.js on the page, no worker) and whose frames only run
// when a test says so.
import { runJob } from '../lib/render/format';
import { PageFormatter } from '../lib/render/formatter';
import type { FormatJob, FormatResult } from '../lib/render/jobs';
import { StreamRenderer, type StreamRendererOptions } from '../lib/render/renderer';
import { FrameScheduler } from '../lib/render/scheduler';
import { RenderService, type Limits } from '../lib/render/service';
import { shownHTML } from './shown';

export { shownHTML };

export interface TestServiceOptions {
  limits?: Partial<Limits>;
  /** Collects the key of every job the formatter is asked to do. */
  jobs?: string[];
  /** Stands in for KaTeX and highlight.js. */
  run?: (job: FormatJob) => FormatResult;
}

export function testService(opts: TestServiceOptions = {}): RenderService {
  const scheduler = new FrameScheduler({ frame: () => {} });
  const run = opts.run ?? runJob;
  const jobs = opts.jobs;
  const formatter = new PageFormatter(scheduler, (job) => {
    jobs?.push(job.key);
    return run(job);
  });
  return new RenderService({ scheduler, formatter, limits: opts.limits });
}

export function testRenderer(
  service: RenderService = testService(),
  opts: StreamRendererOptions = {},
): { el: HTMLElement; r: StreamRenderer; service: RenderService } {
  const el = document.createElement('div');
  document.body.append(el);
  // no throttling unless a test asks: it depends on how fast this machine is
  const r = new StreamRenderer(el, { service, throttle: false, ...opts });
  return { el, r, service };
}

/** Streams text in the given pieces, flushing queued work only at the end; returns the HTML shown. */
export function streamed(text: string, cuts: number[], service: RenderService = testService()): string {
  const { el, r } = testRenderer(service);
  for (const c of [...cuts].sort((a, b) => a - b)) {
    r.update(text.slice(0, c));
  }
  r.update(text);
  r.flush();
  const html = shownHTML(el);
  r.destroy();
  el.remove();
  return html;
}
