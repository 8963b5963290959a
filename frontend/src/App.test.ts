import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import App from './App.svelte';
import Composer from './components/Composer.svelte';

afterEach(() => cleanup());

describe('App layout', () => {
  it('shows the sidebar, the conversation pane and the composer', () => {
    render(App);
    expect(screen.getByRole('navigation', { name: 'Conversations' })).toBeTruthy();
    expect(screen.getByRole('main', { name: 'Conversation' })).toBeTruthy();
    expect(screen.getByRole('form', { name: 'Composer' })).toBeTruthy();
    expect(screen.getByText('No conversations yet')).toBeTruthy();
  });

  it('shows the version the Go side reports', async () => {
    const w = window as unknown as { go?: unknown };
    w.go = { main: { App: { Info: () => Promise.resolve({ name: 'Murmur', version: '1.2.3' }) } } };
    render(App);
    expect(await screen.findByText('v1.2.3')).toBeTruthy();
    delete w.go;
  });
});

describe('Composer', () => {
  it('sends on Enter, keeps Shift+Enter as a line break, and clears after sending', async () => {
    const onsend = vi.fn();
    render(Composer, { onsend });
    const box = screen.getByLabelText('Message') as HTMLTextAreaElement;
    const button = screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);

    await fireEvent.input(box, { target: { value: 'hello' } });
    expect(button.disabled).toBe(false);
    await fireEvent.keyDown(box, { key: 'Enter', shiftKey: true });
    expect(onsend).not.toHaveBeenCalled();

    await fireEvent.keyDown(box, { key: 'Enter' });
    expect(onsend).toHaveBeenCalledWith('hello');
    expect(box.value).toBe('');
  });

  it('does not send blank text or while disabled', async () => {
    const onsend = vi.fn();
    render(Composer, { onsend, disabled: true });
    const box = screen.getByLabelText('Message');
    await fireEvent.input(box, { target: { value: 'hi' } });
    await fireEvent.keyDown(box, { key: 'Enter' });
    expect(onsend).not.toHaveBeenCalled();
  });
});
