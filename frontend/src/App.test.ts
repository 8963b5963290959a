import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import App from './App.svelte';
import { installFake, type Fake } from './test/fakeBackend';

let fake: Fake;
beforeEach(() => {
  fake = installFake();
  localStorage.clear();
});
afterEach(() => {
  cleanup();
  fake.uninstall();
});

describe('App layout', () => {
  it('shows the sidebar, the conversation pane and the composer', async () => {
    render(App);
    expect(screen.getByRole('navigation', { name: 'Conversations' })).toBeTruthy();
    expect(screen.getByRole('main', { name: 'Conversation' })).toBeTruthy();
    expect(screen.getByRole('form', { name: 'Composer' })).toBeTruthy();
    expect(await screen.findByText('No conversations yet')).toBeTruthy();
  });

  it('shows the version the Go side reports', async () => {
    render(App);
    expect(await screen.findByText('v9.9.9')).toBeTruthy();
  });
});

describe('first run', () => {
  it('says where the key is kept: the keychain on the desktop, this tab in a browser', async () => {
    render(App);
    expect(await screen.findByText(/kept in your system keychain/)).toBeTruthy();
    cleanup();
    fake.settings.keyStorage = { switchable: true, remembered: false };
    render(App);
    expect(await screen.findByText(/kept until this tab closes/)).toBeTruthy();
    expect(screen.queryByText(/system keychain/)).toBeNull();
  });
});

describe('Composer', () => {
  it('sends on Enter, keeps Shift+Enter as a line break, and clears after sending', async () => {
    render(App);
    const box = screen.getByLabelText('Message') as HTMLTextAreaElement;
    const button = screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);

    await fireEvent.input(box, { target: { value: 'hello' } });
    expect(button.disabled).toBe(false);
    await fireEvent.keyDown(box, { key: 'Enter', shiftKey: true });
    expect(fake.calls.some(([n]) => n === 'Send')).toBe(false);

    await fireEvent.keyDown(box, { key: 'Enter' });
    await waitFor(() => expect(fake.calls.find(([n]) => n === 'Send')?.[1]).toEqual(['', 'hello', []]));
    expect(box.value).toBe('');
  });

  it('does not send blank text', async () => {
    render(App);
    const box = screen.getByLabelText('Message');
    await fireEvent.input(box, { target: { value: '   ' } });
    await fireEvent.keyDown(box, { key: 'Enter' });
    expect(fake.calls.some(([n]) => n === 'Send')).toBe(false);
  });
});
