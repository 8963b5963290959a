import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from './App.svelte';
import SettingsDialog from './components/SettingsDialog.svelte';
import type { Settings } from './lib/backend';
import { installFake, type Fake } from './test/fakeBackend';

let fake: Fake;
beforeEach(() => {
  fake = installFake();
});
afterEach(() => {
  cleanup();
  fake.uninstall();
  document.documentElement.removeAttribute('data-theme');
});

describe('settings dialog', () => {
  it('shows a field error from the Go side next to its field and keeps the dialog open', async () => {
    fake.app.SaveSettings = async () => {
      // The desktop shell's ErrorFormatter hands the page the structured error.
      throw {
        kind: 'invalid',
        message: 'Some settings need fixing: the temperature must be between 0 and 2, not 5',
        fields: [{ path: 'defaults.params.temperature', message: 'the temperature must be between 0 and 2, not 5' }],
      };
    };
    let closed = false;
    render(SettingsDialog, { onclose: () => (closed = true) });
    const temp = (await screen.findByLabelText('Temperature')) as HTMLInputElement;
    await fireEvent.input(temp, { target: { value: '5' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(temp.getAttribute('aria-describedby')).toBeTruthy());
    const described = document.getElementById(temp.getAttribute('aria-describedby')!);
    await waitFor(() => expect(described?.textContent).toBe('the temperature must be between 0 and 2, not 5'));
    expect(described?.parentElement?.contains(temp)).toBe(true);
    expect(closed).toBe(false);
    const saved = fake.calls.find(([n]) => n === 'SaveSettings')?.[1][0] as Settings;
    expect(saved.defaults.params.temperature).toBe(5);
  });

  it('saves, shows warnings, and applies the theme', async () => {
    fake.app.SaveSettings = async () => [
      { path: 'providers[0].baseUrl', message: 'plain http sends your key unencrypted', warning: true },
    ];
    render(App);
    await fireEvent.keyDown(window, { key: ',', ctrlKey: true });
    const dialog = within(await screen.findByRole('dialog', { name: 'Settings' }));
    const theme = (await dialog.findByLabelText('Theme')) as HTMLSelectElement;
    await fireEvent.change(theme, { target: { value: 'dark' } });
    await fireEvent.click(dialog.getByRole('button', { name: 'Save' }));
    expect(await dialog.findByText('plain http sends your key unencrypted')).toBeTruthy();
    expect((fake.calls.find(([n]) => n === 'SaveSettings')?.[1][0] as Settings).appearance.theme).toBe('dark');
    expect(document.documentElement.dataset.theme).toBe('dark');
  });

  it('sets a key and shows only its status and hint, never the key', async () => {
    render(SettingsDialog);
    expect(await screen.findByText('No key set')).toBeTruthy();
    const input = screen.getByLabelText('New API key') as HTMLInputElement;
    expect(input.type).toBe('password');
    await fireEvent.input(input, { target: { value: 'sk-secret-abcd' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Set key' }));
    expect(await screen.findByText('Key set (…abcd), in the system keychain')).toBeTruthy();
    expect(input.value).toBe('');
    expect(document.body.textContent).not.toContain('sk-secret-abcd');
    expect(fake.calls.find(([n]) => n === 'SetKey')?.[1]).toEqual(['swarms', 'sk-secret-abcd']);
  });

  it('tells when a key is kept for this session only, and why', async () => {
    fake.settings.keys.swarms = { set: true, source: 'session', hint: '…wxyz', sessionOnly: true, reason: 'no keychain is running' };
    render(SettingsDialog);
    expect(await screen.findByText('Session only: no keychain is running')).toBeTruthy();
  });

  it('fetches the model list of a provider', async () => {
    render(SettingsDialog);
    await fireEvent.click(await screen.findByRole('button', { name: 'Fetch models' }));
    expect(await screen.findByText('2 models known.')).toBeTruthy();
  });

  it('shows the Swarms credit balance and rate limits', async () => {
    render(SettingsDialog);
    await fireEvent.click(await screen.findByRole('button', { name: 'Credits and limits' }));
    expect(await screen.findByText(/Credits: 12\.50 .*99 this minute, 900 this hour, 5000 today \(free tier\)/)).toBeTruthy();
  });

  it('shows max loops only for a provider that supports it', async () => {
    render(SettingsDialog);
    expect(await screen.findByLabelText('Max loops', { selector: '#d-max_loops' })).toBeTruthy();
  });

  it('removing the default provider leaves the choice to the user instead of switching silently', async () => {
    render(SettingsDialog);
    await screen.findByRole('tab', { name: 'Swarms' });
    await fireEvent.click(screen.getByRole('button', { name: 'Add provider' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Swarms' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Remove provider' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.calls.some(([n]) => n === 'SaveSettings')).toBe(true));
    const saved = fake.calls.find(([n]) => n === 'SaveSettings')?.[1][0] as Settings;
    expect(saved.providers.map((p) => p.id)).not.toContain('swarms');
    expect(saved.defaults.providerId).toBe('');
  });
});
