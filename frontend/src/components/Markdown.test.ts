import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render } from '@testing-library/svelte';
import { tick } from 'svelte';
import Markdown from './Markdown.svelte';
import { installFake, type Fake } from '../test/fakeBackend';

let fake: Fake;
beforeEach(() => {
  fake = installFake();
});
afterEach(() => {
  cleanup();
  fake.uninstall();
});

describe('Markdown', () => {
  it('renders the text and follows it as it grows, keeping what was already shown', async () => {
    const { container, rerender } = render(Markdown, { text: 'First paragraph.\n\nSecond' });
    const first = container.querySelector('p')!;
    expect(first.textContent).toBe('First paragraph.');
    await rerender({ text: 'First paragraph.\n\nSecond, **longer** now.\n\n- a list' });
    await tick();
    expect(container.querySelector('p')).toBe(first);
    expect(container.querySelector('strong')?.textContent).toBe('longer');
    expect(container.querySelector('li')?.textContent).toBe('a list');
  });

  it('shows a replaced text (another alternative) in full', async () => {
    const { container, rerender } = render(Markdown, { text: 'One answer.' });
    await rerender({ text: '# Another\n\nanswer' });
    await tick();
    expect(container.querySelector('h1')?.textContent).toBe('Another');
    expect(container.textContent).not.toContain('One answer.');
  });

  it('hands link clicks to the Go side instead of navigating', async () => {
    const { container } = render(Markdown, { text: 'See [the docs](https://docs.swarms.ai/x).' });
    const a = container.querySelector('a')!;
    const ev = new MouseEvent('click', { bubbles: true, cancelable: true });
    a.dispatchEvent(ev);
    expect(ev.defaultPrevented).toBe(true);
    await tick();
    expect(fake.calls.filter(([n]) => n === 'OpenLink')).toEqual([['OpenLink', ['https://docs.swarms.ai/x']]]);
  });

  it('copies a code block through the shell', async () => {
    const copied: string[] = [];
    const w = window as unknown as { runtime: Record<string, unknown> };
    w.runtime.ClipboardSetText = async (t: string) => {
      copied.push(t);
      return true;
    };
    const { container } = render(Markdown, { text: '```sh\nmake test\n```\n' });
    const button = container.querySelector<HTMLButtonElement>('.code-copy')!;
    expect(container.querySelector('.code-lang')?.textContent).toBe('sh');
    await fireEvent.click(button);
    await tick();
    expect(copied).toEqual(['make test\n']);
    expect(fake.calls.some(([n]) => n === 'OpenLink')).toBe(false);
  });
});
