// Export and import, told to the user in a toast.
import { api, toUIError } from '../backend';
import type { ChatState } from './chat.svelte';
import type { UIState } from './ui.svelte';

export class FilesState {
  busy = $state(false);

  constructor(
    private ui: UIState,
    private chat: ChatState,
  ) {}

  private async run(fn: () => Promise<string>): Promise<void> {
    this.busy = true;
    try {
      const text = await fn();
      if (text) this.ui.toast(text);
    } catch (e) {
      this.ui.toast(toUIError(e).message, { kind: 'error' });
    } finally {
      this.busy = false;
    }
  }

  /** Exports one conversation in format (markdown, html, json, text, openai). */
  exportConversation(id: string, format: string): Promise<void> {
    return this.run(async () => {
      const r = await api.exportConversation(id, format, false);
      return r.saved ? `Saved to ${r.where}.` : '';
    });
  }

  /** Exports every conversation into one zip. */
  exportAll(format: string): Promise<void> {
    return this.run(async () => {
      const r = await api.exportAll(format);
      return r.saved ? `Saved ${r.count} conversation${r.count === 1 ? '' : 's'} to ${r.where}.` : '';
    });
  }

  /** Imports conversations from a file the user picks, and opens the first. */
  importFile(): Promise<void> {
    return this.run(async () => {
      const r = await api.importFile();
      if (!r.chosen) return '';
      this.lastDetails = r.details ?? [];
      const first = r.imported?.[0]?.id;
      if (first) await this.chat.open(first);
      return r.summary + '.';
    });
  }

  /** What the last import's summary only counts: its notes, and what it skipped and why. */
  lastDetails = $state<string[]>([]);
}
