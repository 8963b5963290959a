import { describe, expect, it, vi } from 'vitest';
import { ErrorKind, type Snapshot, type StreamEvent } from './backend';
import { StreamAssembler, frameBatcher } from './stream';

const id = 's1';
const delta = (seq: number, text: string, reasoning = ''): StreamEvent => ({
  streamId: id,
  conversationId: 'c',
  messageId: 'm',
  seq,
  type: 'delta',
  delta: text,
  reasoningDelta: reasoning,
});
const done = (seq: number): StreamEvent => ({
  streamId: id,
  conversationId: 'c',
  messageId: 'm',
  seq,
  type: 'done',
  finishReason: 'stop',
  usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
});
const snap = (seq: number, content: string, status = 'streaming'): Snapshot => ({
  streamId: id,
  conversationId: 'c',
  messageId: 'm',
  seq,
  content,
  reasoning: '',
  status,
});

describe('StreamAssembler', () => {
  it('joins deltas in order and ends on done', () => {
    const a = new StreamAssembler(id);
    expect(a.apply(delta(1, 'Hel', 'think '))).toBe(true);
    a.apply(delta(2, 'lo'));
    a.apply(done(3));
    expect(a.state.content).toBe('Hello');
    expect(a.state.reasoning).toBe('think ');
    expect(a.terminal).toBe(true);
    expect(a.state.status).toBe('done');
    expect(a.state.finishReason).toBe('stop');
    expect(a.state.usage?.totalTokens).toBe(3);
  });

  it('puts out-of-order events back in order', () => {
    const a = new StreamAssembler(id);
    expect(a.apply(delta(3, 'c'))).toBe(false);
    expect(a.apply(delta(2, 'b'))).toBe(false);
    expect(a.buffered).toBe(2);
    expect(a.state.content).toBe('');
    expect(a.apply(delta(1, 'a'))).toBe(true);
    expect(a.state.content).toBe('abc');
    expect(a.buffered).toBe(0);
  });

  it('ignores duplicates, other streams and events after the end', () => {
    const a = new StreamAssembler(id);
    a.apply(delta(1, 'a'));
    expect(a.apply(delta(1, 'a'))).toBe(false);
    expect(a.apply({ ...delta(2, 'x'), streamId: 'other' })).toBe(false);
    a.apply({ streamId: id, conversationId: 'c', messageId: 'm', seq: 2, type: 'stopped' });
    expect(a.apply(delta(3, 'late'))).toBe(false);
    expect(a.state).toMatchObject({ content: 'a', status: 'stopped' });
  });

  it('catches up with a snapshot and applies only newer buffered events', () => {
    const a = new StreamAssembler(id);
    a.apply(delta(4, '!')); // arrived before the snapshot
    a.apply(delta(3, 'lo')); // already in the snapshot below
    expect(a.snapshot(snap(3, 'Hello'))).toBe(true);
    expect(a.state.content).toBe('Hello!');
    expect(a.state.seq).toBe(4);
    expect(a.snapshot(snap(2, 'He'))).toBe(false); // older: ignored
    expect(a.state.content).toBe('Hello!');
  });

  it('reports a terminal snapshot, with its error', () => {
    const a = new StreamAssembler(id);
    a.snapshot({ ...snap(5, 'partial', 'error'), error: { message: 'Rate limited', kind: ErrorKind.RateLimit } });
    expect(a.terminal).toBe(true);
    expect(a.state.status).toBe('error');
    expect(a.state.error?.message).toBe('Rate limited');
  });

  it('keeps the error of an error event', () => {
    const a = new StreamAssembler(id);
    a.apply({ streamId: id, conversationId: 'c', messageId: 'm', seq: 1, type: 'error', error: { message: 'No key', kind: ErrorKind.Auth } });
    expect(a.state.status).toBe('error');
    expect(a.state.error?.kind).toBe('auth');
  });

  it('gives a new state object after every change, so a UI sees it', () => {
    const a = new StreamAssembler(id);
    const before = a.state;
    a.apply(delta(1, 'x'));
    expect(a.state).not.toBe(before);
    expect(before.content).toBe('');
  });
});

describe('StreamAssembler for a continued reply', () => {
  it('appends to the text the reply already had', () => {
    const a = new StreamAssembler(id, { content: 'Once upon', reasoning: '' });
    a.snapshot(snap(0, 'Once upon')); // nothing new yet
    a.apply(delta(1, ' a time'));
    expect(a.state.content).toBe('Once upon a time');
  });
});

describe('frameBatcher', () => {
  it('renders once per frame however many requests', () => {
    const frames: Array<() => void> = [];
    const render = vi.fn();
    const schedule = frameBatcher(render, (cb) => frames.push(cb));
    schedule();
    schedule();
    schedule();
    expect(frames).toHaveLength(1);
    expect(render).not.toHaveBeenCalled();
    frames[0]?.();
    expect(render).toHaveBeenCalledTimes(1);
    schedule();
    expect(frames).toHaveLength(2);
  });

  it('knows when a rate-limited request is sent again, until data arrives', () => {
    let now = 1000;
    const a = new StreamAssembler(id, undefined, () => now);
    a.apply({ streamId: id, conversationId: 'c', messageId: 'm', seq: 1, type: 'retrying', retryInMs: 12000, attempt: 1,
      error: { message: 'Rate limit exceeded', kind: ErrorKind.RateLimit } });
    expect(a.terminal).toBe(false);
    expect(a.state.retry).toEqual({ at: 13000, attempt: 1, error: { message: 'Rate limit exceeded', kind: ErrorKind.RateLimit } });
    now = 14000;
    a.apply(delta(2, 'Hi'));
    expect(a.state.retry).toBeUndefined();
    expect(a.state.content).toBe('Hi');
  });
});
