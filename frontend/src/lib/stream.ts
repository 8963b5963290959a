// Assembles one reply stream from its events. Events carry a sequence number
// starting at 1; they may arrive out of order or before the UI has caught up
// with a snapshot, so the assembler applies them strictly in seq order,
// buffers gaps, and ignores what it has already seen. Pure: no timers, no DOM.
import type { ErrorInfo, Snapshot, StreamEvent, Timing, Usage } from './backend';

export type StreamStatus = 'streaming' | 'done' | 'error' | 'stopped';

export interface StreamState {
  content: string;
  reasoning: string;
  /** The last seq applied (0 before any). */
  seq: number;
  status: StreamStatus;
  finishReason?: string;
  usage?: Usage;
  timing?: Timing;
  error?: ErrorInfo;
  /** Set while the request waits to be sent again (a rate limit, a server error). */
  retry?: RetryState;
}

export interface RetryState {
  /** When the request is sent again, in ms since the epoch (the receiver's clock). */
  at: number;
  attempt: number;
  error?: ErrorInfo;
}

/** Maps a message status from a snapshot to a stream status. */
function statusOf(s: string): StreamStatus {
  switch (s) {
    case 'streaming':
      return 'streaming';
    case 'stopped':
      return 'stopped';
    case 'error':
    case 'interrupted':
      return 'error';
    default:
      return 'done';
  }
}

export class StreamAssembler {
  readonly streamId: string;
  private st: StreamState = { content: '', reasoning: '', seq: 0, status: 'streaming' };
  private pending = new Map<number, StreamEvent>();
  private now: () => number;

  /**
   * base is the text a continued reply already has; events and snapshots of
   * that stream start from it.
   */
  constructor(streamId: string, base?: { content: string; reasoning: string }, now: () => number = Date.now) {
    this.streamId = streamId;
    this.now = now;
    if (base) {
      this.st = { ...this.st, content: base.content, reasoning: base.reasoning };
    }
  }

  /** The current state; a new object after every change. */
  get state(): Readonly<StreamState> {
    return this.st;
  }

  /** True once a done, error or stopped event (or snapshot) has been applied. */
  get terminal(): boolean {
    return this.st.status !== 'streaming';
  }

  /** Number of events waiting for an earlier one. */
  get buffered(): number {
    return this.pending.size;
  }

  /**
   * Takes one event. Returns true when the visible state changed. Events of
   * another stream, already applied, or arriving after the end are ignored.
   */
  apply(ev: StreamEvent): boolean {
    if (ev.streamId !== this.streamId || this.terminal || !Number.isInteger(ev.seq) || ev.seq <= this.st.seq) {
      return false;
    }
    if (ev.seq !== this.st.seq + 1) {
      this.pending.set(ev.seq, ev);
      return false;
    }
    this.st = { ...this.st };
    this.step(ev);
    this.drain();
    return true;
  }

  /**
   * Catches up with what the stream produced so far. A snapshot older than
   * what is already applied changes nothing; a newer one replaces the text
   * and buffered events after it are applied.
   */
  snapshot(s: Snapshot): boolean {
    if (s.streamId !== this.streamId || this.terminal || s.seq <= this.st.seq) {
      return false;
    }
    this.st = {
      ...this.st,
      content: s.content,
      reasoning: s.reasoning,
      seq: s.seq,
      status: statusOf(s.status),
      error: s.error ?? this.st.error,
    };
    for (const k of [...this.pending.keys()]) {
      if (k <= s.seq) {
        this.pending.delete(k);
      }
    }
    this.drain();
    return true;
  }

  private drain() {
    for (;;) {
      if (this.terminal) {
        this.pending.clear();
        return;
      }
      const next = this.pending.get(this.st.seq + 1);
      if (!next) {
        return;
      }
      this.pending.delete(next.seq);
      this.step(next);
    }
  }

  /** Applies ev to this.st, which the caller has already copied. */
  private step(ev: StreamEvent) {
    const st = this.st;
    st.seq = ev.seq;
    if (ev.type === 'retrying') {
      st.retry = { at: this.now() + (ev.retryInMs ?? 0), attempt: ev.attempt ?? 1, error: ev.error };
      return;
    }
    if (ev.delta || ev.reasoningDelta || ev.type !== 'delta') {
      st.retry = undefined; // data arrived, or the stream ended: no longer waiting
    }
    if (ev.delta) {
      st.content += ev.delta;
    }
    if (ev.reasoningDelta) {
      st.reasoning += ev.reasoningDelta;
    }
    if (ev.finishReason) {
      st.finishReason = ev.finishReason;
    }
    if (ev.usage) {
      st.usage = ev.usage;
    }
    if (ev.timing) {
      st.timing = ev.timing;
    }
    if (ev.error) {
      st.error = ev.error;
    }
    switch (ev.type) {
      case 'done':
        st.status = 'done';
        break;
      case 'error':
        st.status = 'error';
        break;
      case 'stopped':
        st.status = 'stopped';
        break;
    }
  }
}

/**
 * Returns a function that asks for render() to run on the next animation
 * frame; any number of requests within one frame cause one call.
 */
export function frameBatcher(
  render: () => void,
  raf: (cb: () => void) => unknown = (cb) => requestAnimationFrame(cb),
): () => void {
  let queued = false;
  return () => {
    if (queued) {
      return;
    }
    queued = true;
    raf(() => {
      queued = false;
      render();
    });
  };
}
