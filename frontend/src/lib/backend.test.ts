import { afterEach, describe, expect, it } from 'vitest';
import { api, hasBackend, onEvent, toUIError } from './backend';

type W = { go?: unknown; runtime?: unknown };
afterEach(() => {
  delete (window as unknown as W).go;
  delete (window as unknown as W).runtime;
});

describe('toUIError', () => {
  it.each([
    ['the JSON text Go sends', '{"kind":"auth","message":"No key.","status":401}', { kind: 'auth', message: 'No key.', status: 401 }],
    ['a plain string', 'boom', { kind: 'error', message: 'boom' }],
    ['an Error', new Error('bad thing'), { kind: 'error', message: 'bad thing' }],
    ['JSON that is not a UIError', '{"x":1}', { kind: 'error', message: '{"x":1}' }],
    ['broken JSON', '{"kind":', { kind: 'error', message: '{"kind":' }],
    ['an empty string', '', { kind: 'error', message: 'Something went wrong.' }],
  ])('parses %s', (_, input, want) => {
    expect(toUIError(input)).toEqual(want);
  });

  it('keeps field errors', () => {
    const e = toUIError('{"kind":"invalid","message":"Fix it.","fields":[{"path":"defaults.temperature","message":"too hot"}]}');
    expect(e.fields?.[0]?.path).toBe('defaults.temperature');
  });
});

describe('bindings', () => {
  it('reports no backend outside a shell and rejects calls readably', async () => {
    expect(hasBackend()).toBe(false);
    await expect(api.getConversation('x')).rejects.toMatchObject({ kind: 'unavailable' });
    expect(onEvent('e', () => {})).toBeTypeOf('function');
  });

  it('rejects with the parsed UIError', async () => {
    (window as unknown as W).go = {
      main: { App: { GetConversation: () => Promise.reject('{"kind":"not_found","message":"Gone."}') } },
    };
    expect(hasBackend()).toBe(true);
    await expect(api.getConversation('x')).rejects.toEqual({ kind: 'not_found', message: 'Gone.' });
  });
});
