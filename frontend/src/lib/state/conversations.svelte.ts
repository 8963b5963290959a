// The conversation list: pages from Go, a search, the groups by date, and
// the changes made from the list (rename, pin, archive, delete with undo).
// It follows Go's "conversations changed" event: nothing here refreshes by
// hand after an action.
import {
  api,
  ConversationsChangedEvent,
  hasBackend,
  onEvent,
  toUIError,
  type Hit,
  type ListFilter,
  type Summary,
  type UIError,
} from '../backend';
import { withGroups, type Row } from '../dates';

const pageSize = 100;
/** How long a deleted conversation can be brought back. */
export const undoMs = 5000;

export class ConversationsState {
  items = $state.raw<Summary[]>([]);
  more = $state(false);
  total = $state(0);
  filter = $state<ListFilter>('active');
  query = $state('');
  hits = $state.raw<Hit[] | null>(null);
  error = $state<UIError | null>(null);
  /** Ids deleted but still undoable: hidden from the list. */
  deleting = $state.raw<Set<string>>(new Set());
  /** The conversation being renamed in the list. */
  renaming = $state('');

  /** Called with the ids of changed conversations (the open one reloads). */
  onChanged: (ids: string[]) => void = () => {};

  private stop: () => void = () => {};
  private searchSeq = 0;
  /** Bumped by each refresh: a list page asked for before it is dropped. */
  private generation = 0;
  private refreshing = false;
  private again = false;
  /** A next page is on its way (the list asks on every scroll near its end). */
  private loading = false;
  private timers = new Map<string, ReturnType<typeof setTimeout>>();

  /** The rows shown: items (or hits) minus pending deletions, with date groups. */
  rows = $derived.by((): Row<Summary>[] => {
    const shown = this.items.filter((c) => !this.deleting.has(c.id));
    return withGroups(shown, new Date());
  });

  visibleHits = $derived(this.hits?.filter((h) => !this.deleting.has(h.id)) ?? null);

  async start(): Promise<void> {
    this.stop = onEvent<string[]>(ConversationsChangedEvent, (ids) => {
      this.schedule();
      this.onChanged(ids ?? []);
    });
    await this.refresh();
  }

  dispose(): void {
    this.stop();
    for (const [id, t] of this.timers) {
      clearTimeout(t);
      void this.commitDelete(id);
    }
  }

  /** Refreshes once for any number of changes reported meanwhile. */
  private schedule(): void {
    if (this.refreshing) {
      this.again = true;
      return;
    }
    this.refreshing = true;
    void this.refresh().finally(() => {
      this.refreshing = false;
      if (this.again) {
        this.again = false;
        this.schedule();
      }
    });
  }

  async refresh(): Promise<void> {
    if (!hasBackend()) {
      return;
    }
    const generation = ++this.generation;
    this.loading = false; // a page on its way is stale now and no longer holds the next one back
    try {
      const limit = Math.min(Math.max(pageSize, this.items.length), 500);
      const page = await api.listConversations(this.filter, 0, limit);
      if (generation !== this.generation) return; // a newer list (another filter) is on its way
      this.items = page.items ?? [];
      this.more = page.more;
      this.total = page.total;
      this.error = null;
      if (this.query.trim()) {
        await this.search(this.query);
      }
    } catch (e) {
      this.error = toUIError(e);
    }
  }

  /** Loads the next page (the list asks when scrolled near its end). */
  async loadMore(): Promise<void> {
    if (!this.more || this.loading) {
      return;
    }
    this.loading = true;
    const generation = this.generation;
    try {
      const page = await api.listConversations(this.filter, this.items.length, pageSize);
      // A page of the list as it was before a refresh or another filter
      // does not belong in the list now.
      if (generation !== this.generation) return;
      const seen = new Set(this.items.map((c) => c.id));
      this.items = [...this.items, ...(page.items ?? []).filter((c) => !seen.has(c.id))];
      this.more = page.more;
      this.total = page.total;
    } catch (e) {
      this.error = toUIError(e);
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  async setFilter(filter: ListFilter): Promise<void> {
    this.filter = filter;
    this.items = [];
    await this.refresh();
  }

  /** Searches message text; an empty query goes back to the list. */
  async search(query: string): Promise<void> {
    this.query = query;
    const seq = ++this.searchSeq;
    if (!query.trim()) {
      this.hits = null;
      return;
    }
    try {
      const page = await api.searchConversations(query, this.filter, 0, pageSize);
      if (seq === this.searchSeq) {
        this.hits = page.items ?? [];
      }
    } catch (e) {
      if (seq === this.searchSeq) {
        this.error = toUIError(e);
      }
    }
  }

  get(id: string): Summary | undefined {
    return this.items.find((c) => c.id === id);
  }

  /** The conversation before (-1) or after (+1) id in the list. */
  neighbour(id: string, step: number): string | undefined {
    const ids = this.hits ? (this.visibleHits ?? []).map((h) => h.id) : this.rows.flatMap((r) => (r.kind === 'item' ? [r.item.id] : []));
    const i = ids.indexOf(id);
    if (i < 0) {
      return ids[step > 0 ? 0 : ids.length - 1];
    }
    return ids[i + step];
  }

  private async act(fn: () => Promise<void>): Promise<boolean> {
    try {
      await fn();
      return true;
    } catch (e) {
      this.error = toUIError(e);
      return false;
    }
  }

  rename(id: string, title: string): Promise<boolean> {
    return this.act(() => api.renameConversation(id, title));
  }

  pin(id: string, pinned: boolean): Promise<boolean> {
    return this.act(() => api.pinConversation(id, pinned));
  }

  archive(id: string, archived: boolean): Promise<boolean> {
    return this.act(() => api.archiveConversation(id, archived));
  }

  /** Hides a conversation now and deletes it after undoMs, unless undone. */
  remove(id: string): void {
    if (this.timers.has(id)) {
      return;
    }
    this.deleting = new Set([...this.deleting, id]);
    this.timers.set(id, setTimeout(() => void this.commitDelete(id), undoMs));
  }

  undo(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    const next = new Set(this.deleting);
    next.delete(id);
    this.deleting = next;
  }

  private async commitDelete(id: string): Promise<void> {
    this.timers.delete(id);
    await this.act(() => api.deleteConversation(id));
    const next = new Set(this.deleting);
    next.delete(id);
    this.deleting = next;
  }
}
