// The settings as the UI knows them: loaded from Go, saved through it. The
// appearance (theme, font size) is applied here, and previewed while the
// settings dialog edits it.
import {
  api,
  hasBackend,
  toUIError,
  type Appearance,
  type FieldError,
  type KeyStatus,
  type Provider,
  type Settings,
  type SettingsView,
  type UIError,
} from '../backend';
import { applyTheme, type ThemeChoice } from '../theme';

export class SettingsState {
  view = $state<SettingsView | null>(null);
  loadError = $state<UIError | null>(null);

  private stopTheme: () => void = () => {};

  get settings(): Settings | null {
    return this.view?.settings ?? null;
  }

  get defaultProvider(): Provider | undefined {
    const s = this.settings;
    return s?.providers.find((p) => p.id === s.defaults.providerId);
  }

  provider(id: string): Provider | undefined {
    return this.settings?.providers.find((p) => p.id === id);
  }

  key(id: string): KeyStatus | undefined {
    return this.view?.keys[id];
  }

  /** True when a provider can be sent to: it needs no key or has one. */
  ready(id: string): boolean {
    const p = this.provider(id);
    return !!p && (p.auth === 'none' || !!this.key(id)?.set);
  }

  async load(): Promise<void> {
    this.apply(undefined);
    if (!hasBackend()) {
      return;
    }
    try {
      this.view = await api.getSettings();
      this.loadError = null;
      this.apply(this.view.settings.appearance);
    } catch (e) {
      this.loadError = toUIError(e);
    }
  }

  /** Saves s; rejects with the UIError (its fields name what to fix). */
  async save(s: Settings): Promise<FieldError[]> {
    const warnings = (await api.saveSettings($state.snapshot(s) as Settings)) ?? [];
    await this.load();
    return warnings;
  }

  async setKey(id: string, key: string): Promise<KeyStatus> {
    const st = await api.setKey(id, key);
    if (this.view) {
      this.view.keys = { ...this.view.keys, [id]: st };
    }
    return st;
  }

  /** In a browser: keep keys on this device (after the warning) or for the session only. */
  async rememberKeys(remember: boolean): Promise<void> {
    this.view = await api.rememberKeys(remember);
  }

  /** True in a browser, where keys last for the session unless remembered. */
  get keysInBrowser(): boolean {
    return this.view?.keyStorage?.switchable ?? false;
  }

  async deleteKey(id: string): Promise<KeyStatus> {
    const st = await api.deleteKey(id);
    if (this.view) {
      this.view.keys = { ...this.view.keys, [id]: st };
    }
    return st;
  }

  /** Fetches a saved provider's models (Go keeps the list in the settings). */
  async fetchModels(id: string): Promise<string[]> {
    const models = await api.listModels(id);
    const p = this.provider(id);
    if (p) {
      p.models = models;
    }
    return models;
  }

  /** Applies the saved appearance again (after a preview). */
  restore(): void {
    this.apply(this.settings?.appearance);
  }

  /** Shows an appearance now, saved or not. */
  apply(a: Appearance | undefined): void {

    this.stopTheme();
    const t = a?.theme;
    this.stopTheme = applyTheme((t === 'light' || t === 'dark' ? t : 'system') as ThemeChoice);
    if (a?.fontSize) {
      document.documentElement.style.setProperty('--font-size', `${a.fontSize}px`);
    }
  }

  dispose(): void {
    this.stopTheme();
  }
}
