import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from './App.svelte';
import type { Provider, Settings } from './lib/backend';
import { installFake, type Fake } from './test/fakeBackend';

let fake: Fake;
beforeEach(() => {
  fake = installFake();
  localStorage.clear();
});
afterEach(() => {
  cleanup();
  fake.uninstall();
  document.documentElement.removeAttribute('data-theme');
});

async function openSettings() {
  render(App);
  await screen.findByText('v9.9.9');
  await fireEvent.keyDown(window, { key: ',', ctrlKey: true });
  return within(await screen.findByRole('dialog', { name: 'Settings' }));
}

const lastSaved = () => fake.calls.filter(([n]) => n === 'SaveSettings').at(-1)?.[1][0] as Settings;

describe('settings dialog', () => {
  it('shows a field error next to its field and in words at Save, until the field is edited', async () => {
    fake.app.SaveSettings = async () => {
      // The desktop shell's ErrorFormatter hands the page the structured error.
      throw {
        kind: 'invalid',
        message: 'Some settings need fixing: the temperature must be between 0 and 2, not 5',
        fields: [{ path: 'defaults.params.temperature', message: 'the temperature must be between 0 and 2, not 5' }],
      };
    };
    const dialog = await openSettings();
    await fireEvent.click(dialog.getByRole('tab', { name: 'New chats' }));
    const temp = (await dialog.findByLabelText('Temperature')) as HTMLInputElement;
    await fireEvent.input(temp, { target: { value: '5' } });
    await fireEvent.click(dialog.getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(document.getElementById(temp.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'the temperature must be between 0 and 2, not 5',
    ));
    // At the Save button, in words, never as a path.
    expect(dialog.getByText('One setting needs fixing before saving.')).toBeTruthy();
    expect(dialog.getByText('Defaults: temperature: the temperature must be between 0 and 2, not 5')).toBeTruthy();
    expect(document.body.textContent).not.toContain('defaults.params');
    expect(lastSaved().defaults.params.temperature).toBe(5);

    await fireEvent.input(temp, { target: { value: '1' } });
    await waitFor(() => expect(dialog.queryByText(/the temperature must be between/)).toBeNull());
  });

  it('saves, shows warnings, and applies the theme', async () => {
    fake.app.SaveSettings = async () => [
      { path: 'providers[0].baseUrl', message: 'plain http sends your key unencrypted', warning: true },
    ];
    const dialog = await openSettings();
    await fireEvent.click(dialog.getByRole('tab', { name: 'Appearance' }));
    const theme = (await dialog.findByLabelText('Theme')) as HTMLSelectElement;
    await fireEvent.change(theme, { target: { value: 'dark' } });
    // shown at once, before saving
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'));
    await fireEvent.click(dialog.getByRole('button', { name: 'Save' }));
    expect(await dialog.findByText('Saved, with warnings.')).toBeTruthy();
    expect(lastSaved().appearance.theme).toBe('dark');
  });

  it('previews the font size and theme, and Cancel puts them back', async () => {
    const dialog = await openSettings();
    await fireEvent.click(dialog.getByRole('tab', { name: 'Appearance' }));
    await fireEvent.input(dialog.getByLabelText('Font size'), { target: { value: '20' } });
    await waitFor(() => expect(document.documentElement.style.getPropertyValue('--font-size')).toBe('20px'));
    await fireEvent.change(dialog.getByLabelText('Theme'), { target: { value: 'dark' } });
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'));
    await fireEvent.click(dialog.getByRole('button', { name: 'Cancel' }));
    expect(document.documentElement.style.getPropertyValue('--font-size')).toBe('15px');
    expect(document.documentElement.dataset.theme).not.toBe('dark');
    expect(fake.calls.some(([n]) => n === 'SaveSettings')).toBe(false);
  });

  it('sets a key and shows only its status and hint, never the key', async () => {
    const dialog = await openSettings();
    expect(await dialog.findByText('No key set')).toBeTruthy();
    const input = dialog.getByLabelText('New API key') as HTMLInputElement;
    expect(input.type).toBe('password');
    await fireEvent.input(input, { target: { value: 'sk-secret-abcd' } });
    await fireEvent.click(dialog.getByRole('button', { name: 'Set key' }));
    expect(await dialog.findByText('Key set (…abcd), in the system keychain')).toBeTruthy();
    await waitFor(() => expect(input.value).toBe(''));
    expect(document.body.textContent).not.toContain('sk-secret-abcd');
    expect(fake.calls.find(([n]) => n === 'SetKey')?.[1]).toEqual(['swarms', 'sk-secret-abcd']);
  });

  it('tells when a key is kept for this session only, and why', async () => {
    fake.settings.keys.swarms = { set: true, source: 'session', hint: '…wxyz', sessionOnly: true, reason: 'no keychain is running' };
    const dialog = await openSettings();
    expect(await dialog.findByText('Session only: no keychain is running')).toBeTruthy();
  });

  it('fetches the models of a saved provider, and tests one not saved yet with the key typed', async () => {
    fake.settings.keys.swarms = { set: true, source: 'keychain', hint: '…abcd', sessionOnly: false };
    const dialog = await openSettings();
    await fireEvent.click(await dialog.findByRole('button', { name: 'Fetch models' }));
    expect(await dialog.findByText('2 models known.')).toBeTruthy();
    expect(fake.calls.some(([n]) => n === 'ListModels')).toBe(true);

    await fireEvent.change(dialog.getByLabelText('New provider kind'), { target: { value: 'openai' } });
    await fireEvent.click(dialog.getByRole('button', { name: 'Add provider' }));
    await fireEvent.input(dialog.getByLabelText('New API key'), { target: { value: 'sk-typed-0000' } });
    await fireEvent.click(dialog.getByRole('button', { name: 'Fetch models' }));
    await waitFor(() => expect(fake.calls.find(([n]) => n === 'CheckProvider')).toBeTruthy());
    const [p, key] = fake.calls.find(([n]) => n === 'CheckProvider')![1] as [Provider, string];
    expect(p.id).toBe('openai');
    expect(key).toBe('sk-typed-0000');
    expect(fake.calls.some(([n]) => n === 'SaveSettings' || n === 'SetKey')).toBe(false);
  });

  it('shows the Swarms credit balance and rate limits', async () => {
    const dialog = await openSettings();
    await fireEvent.click(await dialog.findByRole('button', { name: 'Credits and limits' }));
    expect(await dialog.findByText(/Credits: 12\.50 .*99 this minute, 900 this hour, 5000 today \(free tier\)/)).toBeTruthy();
  });

  it('shows max loops only for a provider that supports it', async () => {
    const dialog = await openSettings();
    await fireEvent.click(dialog.getByRole('tab', { name: 'New chats' }));
    expect(await dialog.findByLabelText('Max loops')).toBeTruthy();
  });

  it('removing the default provider leaves the choice to the user instead of switching silently', async () => {
    const dialog = await openSettings();
    await dialog.findByRole('tab', { name: /Swarms/ });
    await fireEvent.click(dialog.getByRole('button', { name: 'Add provider' }));
    await fireEvent.click(dialog.getByRole('tab', { name: /Swarms/ }));
    await fireEvent.click(dialog.getByRole('button', { name: 'Remove provider' }));
    await fireEvent.click(dialog.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.calls.some(([n]) => n === 'SaveSettings')).toBe(true));
    expect(lastSaved().providers.map((p) => p.id)).not.toContain('swarms');
    expect(lastSaved().defaults.providerId).toBe('');
  });
});
