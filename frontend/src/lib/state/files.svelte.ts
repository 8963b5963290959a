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
      const imported = r.imported ?? [];
      const skipped = (r.skipped ?? []).length + (r.moreSkipped ?? 0);
      const notes = imported.reduce((n, it) => n + (it.notes?.length ?? 0), 0);
      let text = `Imported ${imported.length} conversation${imported.length === 1 ? '' : 's'}`;
      if (skipped > 0) {
        const first = r.skipped?.[0];
        text += `; skipped ${skipped}${first ? ` (${first.title ? first.title + ': ' : ''}${first.reason}${skipped > 1 ? ', …' : ''})` : ''}`;
      }
      if (notes > 0) {
        text += `; ${notes} note${notes === 1 ? '' : 's'}: ${imported.find((it) => it.notes?.length)?.notes?.[0]}`;
      }
      const first = imported[0]?.id;
      if (first) await this.chat.open(first);
      return text + '.';
    });
  }
}
