// What the window shows around the chat: the sidebar, dialogs, toasts and
// the screen reader's announcements. No Go calls here.

export interface Toast {
  id: number;
  text: string;
  kind: 'info' | 'error';
  action?: { label: string; run: () => void };
}

export type SettingsTab = 'providers' | 'defaults' | 'appearance' | 'browser';

const sidebarKey = 'murmur.sidebar';
const narrowQuery = '(max-width: 860px)';

export class UIState {
  /** The conversation list is shown (beside the chat, or over it when narrow). */
  sidebarOpen = $state(true);
  /** The window is too narrow for the sidebar beside the chat. */
  narrow = $state(false);
  settingsOpen = $state(false);
  settingsTab = $state<SettingsTab>('providers');
  /** The provider the settings dialog shows first. */
  settingsProvider = $state('');
  shortcutsOpen = $state(false);
  modelPickerOpen = $state(false);
  optionsOpen = $state(false);
  lightbox = $state<{ src: string; name: string } | null>(null);
  toasts = $state<Toast[]>([]);
  /** Read by screen readers (a polite live region). */
  announcement = $state('');

  private nextToast = 1;
  private timers = new Map<number, ReturnType<typeof setTimeout>>();
  private stopMedia: () => void = () => {};

  /** Follows the window width; call once. */
  start(): void {
    const saved = localStorage.getItem(sidebarKey);
    const media = typeof window.matchMedia === 'function' ? window.matchMedia(narrowQuery) : null;
    const apply = () => {
      this.narrow = media?.matches ?? false;
      // A narrow window starts with the chat; a wide one with the list unless hidden before.
      this.sidebarOpen = this.narrow ? false : saved !== 'hidden';
    };
    apply();
    media?.addEventListener('change', apply);
    this.stopMedia = () => media?.removeEventListener('change', apply);
  }

  dispose(): void {
    this.stopMedia();
    for (const t of this.timers.values()) {
      clearTimeout(t);
    }
  }

  toggleSidebar(): void {
    this.sidebarOpen = !this.sidebarOpen;
    if (!this.narrow) {
      localStorage.setItem(sidebarKey, this.sidebarOpen ? 'shown' : 'hidden');
    }
  }

  /** After picking a conversation in a narrow window, the list gets out of the way. */
  picked(): void {
    if (this.narrow) {
      this.sidebarOpen = false;
    }
  }

  openSettings(tab: SettingsTab = 'providers', providerId = ''): void {
    this.settingsTab = tab;
    this.settingsProvider = providerId;
    this.settingsOpen = true;
  }

  /** Shows a toast for ms (an action toast stays until used or dismissed if ms is 0). */
  toast(text: string, opts: { kind?: Toast['kind']; action?: Toast['action']; ms?: number } = {}): number {
    const id = this.nextToast++;
    this.toasts = [...this.toasts, { id, text, kind: opts.kind ?? 'info', action: opts.action }];
    const ms = opts.ms ?? (opts.kind === 'error' ? 8000 : 4000);
    if (ms > 0) {
      this.timers.set(id, setTimeout(() => this.dismiss(id), ms));
    }
    return id;
  }

  dismiss(id: number): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }

  /** Tells screen reader users something happened (a reply finished). */
  announce(text: string): void {
    // The same text twice in a row must still be read.
    this.announcement = '';
    queueMicrotask(() => (this.announcement = text));
  }
}
