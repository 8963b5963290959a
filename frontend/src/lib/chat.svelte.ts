// The chat state the UI renders: the conversation list (or search hits), the
// open conversation, and the replies being written. Every change goes through
// the facade in backend.ts; stream events are assembled by StreamAssembler
// and copied into reactive state at most once per animation frame.
import {
  api,
  ConversationsChangedEvent,
  hasBackend,
  onEvent,
  toUIError,
  type ConversationView,
  type ErrorInfo,
  type Hit,
  type ListFilter,
  type MessageView,
  type Started,
  type StreamEvent,
  type Summary,
  type UIError,
} from './backend';
import { frameBatcher, StreamAssembler, type StreamStatus } from './stream';

/** A reply being written, as the UI shows it. */
export interface LiveReply {
  streamId: string;
  conversationId: string;
  messageId: string;
  content: string;
  reasoning: string;
  status: StreamStatus;
  error?: ErrorInfo;
}

const pageSize = 100;

function placeholder(id: string, parentId: string, role: string, content: string): MessageView {
  return {
    id,
    parentId,
    role,
    content,
    reasoning: '',
    status: role === 'assistant' ? 'streaming' : 'complete',
    createdAt: new Date().toISOString(),
    alternatives: [id],
    alternative: 0,
    continuable: false,
    attachments: [],
  };
}

export class ChatState {
  conversations = $state<Summary[]>([]);
  /** More conversations than shown exist. */
  more = $state(false);
  /** Which conversations the list and search show. */
  filter = $state<ListFilter>('active');
  query = $state('');
  hits = $state<Hit[] | null>(null);
  current = $state<ConversationView | null>(null);
  /** Replies being written, by conversation id. */
  live = $state<Record<string, LiveReply>>({});
  /** The last failed action, shown in the conversation pane. */
  error = $state<UIError | null>(null);
  /** The outcome of the last export or import, for a person to read. */
  notice = $state('');

  private unsubs = new Map<string, () => void>();
  private stopListChanges: () => void = () => {};
  private searchSeq = 0;
  private raf: (cb: () => void) => unknown;

  constructor(raf?: (cb: () => void) => unknown) {
    this.raf = raf ?? ((cb) => requestAnimationFrame(cb));
  }

  /**
   * Loads the list and follows every change Go reports (after each write:
   * sends, renames, imports, auto titles), so no action refreshes by hand.
   */
  async start(): Promise<void> {
    this.stopListChanges = onEvent<string[]>(ConversationsChangedEvent, (ids) => {
      this.scheduleRefresh();
      const id = this.current?.id;
      if (id && ids.includes(id) && !this.live[id]) {
        void this.reload(id);
      }
    });
    await this.refreshList();
  }

  private refreshing = false;
  private refreshAgain = false;

  /** Refreshes the list once for any number of changes reported meanwhile. */
  private scheduleRefresh(): void {
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = true;
    void this.refreshList().finally(() => {
      this.refreshing = false;
      if (this.refreshAgain) {
        this.refreshAgain = false;
        this.scheduleRefresh();
      }
    });
  }

  dispose(): void {
    this.stopListChanges();
    for (const off of this.unsubs.values()) {
      off();
    }
    this.unsubs.clear();
  }

  /** True while a reply is being written in the open conversation. */
  get streaming(): boolean {
    return this.current !== null && this.live[this.current.id] !== undefined;
  }

  async refreshList(): Promise<void> {
    if (!hasBackend()) {
      return;
    }
    try {
      // keep as many as were shown (after "Show more")
      const limit = Math.min(Math.max(pageSize, this.conversations.length), 500);
      const page = await api.listConversations(this.filter, 0, limit);
      this.conversations = page.items ?? [];
      this.more = page.more;
      if (this.query.trim()) {
        await this.search(this.query);
      }
    } catch (e) {
      this.error = toUIError(e);
    }
  }

  /** Loads the next page of the list. */
  async loadMore(): Promise<void> {
    try {
      const page = await api.listConversations(this.filter, this.conversations.length, pageSize);
      const seen = new Set(this.conversations.map((c) => c.id));
      this.conversations = [...this.conversations, ...(page.items ?? []).filter((c) => !seen.has(c.id))];
      this.more = page.more;
    } catch (e) {
      this.error = toUIError(e);
    }
  }

  /** Shows active, archived or all conversations. */
  async setFilter(filter: ListFilter): Promise<void> {
    this.filter = filter;
    this.conversations = [];
    await this.refreshList();
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

  /** Opens a conversation. */
  async open(id: string): Promise<void> {
    this.error = null;
    try {
      this.current = await api.getConversation(id);
    } catch (e) {
      this.error = toUIError(e);
    }
  }

  /** Starts a new, still empty conversation; it is created by the first message. */
  newChat(): void {
    this.current = null;
    this.error = null;
  }

  private async reload(id: string): Promise<void> {
    try {
      const v = await api.getConversation(id);
      if (this.current?.id === id) {
        this.current = v;
      }
    } catch {
      // keep what is shown; the list refresh reports lasting problems
    }
  }

  /** Sends text in the open conversation (a new one when none is open). */
  async send(text: string): Promise<boolean> {
    this.error = null;
    const convId = this.current?.id ?? '';
    let started: Started;
    try {
      started = await api.send(convId, text);
    } catch (e) {
      const err = toUIError(e);
      this.error = err;
      if (err.conversationId) {
        // The prompt was saved but not sent (no key, no model): show it where
        // it is, so that fixing the settings and continuing loses nothing and
        // the message is not typed twice.
        await this.open(err.conversationId);
        this.error = err;
        return true;
      }
      return false;
    }
    const user = placeholder(started.userMessageId, '', 'user', text);
    const reply = placeholder(started.assistantMessageId, started.userMessageId, 'assistant', '');
    if (this.current && this.current.id === started.conversationId) {
      user.parentId = this.current.messages.at(-1)?.id ?? '';
      this.current = { ...this.current, messages: [...this.current.messages, user, reply] };
    } else {
      const now = new Date().toISOString();
      this.current = {
        id: started.conversationId,
        title: '',
        createdAt: now,
        updatedAt: now,
        pinned: false,
        archived: false,
        providerId: '',
        model: '',
        params: {},
        messages: [user, reply],
      };
    }
    await this.watch(started);
    return true;
  }

  /** Stops the reply being written in the open conversation. */
  async stop(): Promise<void> {
    const id = this.current?.id;
    const live = id ? this.live[id] : undefined;
    if (!live) {
      return;
    }
    try {
      await api.stop(live.streamId);
    } catch (e) {
      const err = toUIError(e);
      if (err.kind !== 'not_found') {
        this.error = err;
      }
    }
  }

  private async restart(action: () => Promise<Started>, base?: MessageView): Promise<void> {
    this.error = null;
    let started: Started;
    try {
      started = await action();
    } catch (e) {
      this.error = toUIError(e);
      return;
    }
    // Show the new path (a new sibling for regenerate/edit) before the text arrives.
    try {
      const v = await api.getConversation(started.conversationId);
      if (!this.current || this.current.id === v.id) {
        this.current = v;
      }
    } catch {
      // the stream still shows once it ends
    }
    await this.watch(started, base);
  }

  /** Writes a new reply in place of an assistant message. */
  regenerate(messageId: string): Promise<void> {
    const c = this.current;
    if (!c) {
      return Promise.resolve();
    }
    return this.restart(() => api.regenerate(c.id, messageId));
  }

  /** Resends an edited copy of one of the user's messages. */
  edit(messageId: string, text: string): Promise<void> {
    const c = this.current;
    if (!c) {
      return Promise.resolve();
    }
    return this.restart(() => api.edit(c.id, messageId, text));
  }

  /** Goes on with a stopped, interrupted or cut-off reply. */
  continueReply(messageId: string): Promise<void> {
    const c = this.current;
    const m = c?.messages.find((x) => x.id === messageId);
    if (!c || !m) {
      return Promise.resolve();
    }
    return this.restart(() => api.continueReply(c.id, messageId), m);
  }

  /** Shows the previous (-1) or next (+1) alternative of a message. */
  async switchAlternative(messageId: string, step: number): Promise<void> {
    const c = this.current;
    const m = c?.messages.find((x) => x.id === messageId);
    if (!c || !m) {
      return;
    }
    const target = m.alternatives[m.alternative + step];
    if (!target) {
      return;
    }
    this.error = null;
    try {
      this.current = await api.switchAlternative(c.id, target);
    } catch (e) {
      this.error = toUIError(e);
    }
  }

  async rename(id: string, title: string): Promise<void> {
    await this.act(() => api.renameConversation(id, title));
  }

  async togglePin(id: string, pinned: boolean): Promise<void> {
    await this.act(() => api.pinConversation(id, pinned));
  }

  async toggleArchive(id: string, archived: boolean): Promise<void> {
    await this.act(() => api.archiveConversation(id, archived));
  }

  async remove(id: string): Promise<void> {
    if (await this.act(() => api.deleteConversation(id))) {
      if (this.current?.id === id) {
        this.current = null;
      }
    }
  }

  /** Exports the open conversation in format (markdown, html, json, text, openai). */
  async exportCurrent(format: string): Promise<void> {
    const c = this.current;
    if (!c) {
      return;
    }
    this.error = null;
    try {
      const r = await api.exportConversation(c.id, format, false);
      this.notice = r.saved ? `Saved to ${r.where}` : '';
    } catch (e) {
      this.error = toUIError(e);
    }
  }

  /** Exports every conversation (a zip of format files). */
  async exportAll(format: string): Promise<void> {
    this.error = null;
    try {
      const r = await api.exportAll(format);
      this.notice = r.saved ? `Saved ${r.count} conversations to ${r.where}` : '';
    } catch (e) {
      this.error = toUIError(e);
    }
  }

  /** Imports conversations from a file the user picks. */
  async importFile(): Promise<void> {
    this.error = null;
    try {
      const r = await api.importFile();
      if (!r.chosen) {
        return;
      }
      const imported = r.imported ?? [];
      const skipped = r.skipped ?? [];
      let text = `Imported ${imported.length} conversation${imported.length === 1 ? '' : 's'}`;
      if (skipped.length > 0) {
        const first = skipped[0]!;
        const total = skipped.length + (r.moreSkipped ?? 0);
        text += `; skipped ${total} (${first.title ? first.title + ': ' : ''}${first.reason}${total > 1 ? ', …' : ''})`;
      }
      this.notice = text + '.';
      const firstId = imported[0]?.id;
      if (firstId) {
        await this.open(firstId);
      }
    } catch (e) {
      this.error = toUIError(e);
    }
  }

  /** Runs a change; the list and the open conversation follow Go's change event. */
  private async act(fn: () => Promise<void>): Promise<boolean> {
    this.error = null;
    try {
      await fn();
    } catch (e) {
      this.error = toUIError(e);
      return false;
    }
    return true;
  }

  /**
   * Follows a stream: subscribes first, then catches up with a snapshot, so
   * no event is lost; renders at most once per frame; on the end, shows the
   * saved message.
   */
  private async watch(started: Started, base?: MessageView): Promise<void> {
    const { streamId, conversationId, assistantMessageId } = started;
    const asm = new StreamAssembler(streamId, base ? { content: base.content, reasoning: base.reasoning } : undefined);
    let ended = false;
    const render = () => {
      if (ended) {
        return;
      }
      const st = asm.state;
      this.live[conversationId] = {
        streamId,
        conversationId,
        messageId: assistantMessageId,
        content: st.content,
        reasoning: st.reasoning,
        status: st.status,
        error: st.error,
      };
      if (asm.terminal) {
        ended = true;
        void this.finish(conversationId, streamId);
      }
    };
    const schedule = frameBatcher(render, this.raf);
    this.unsubs.get(streamId)?.();
    this.unsubs.set(
      streamId,
      onEvent<StreamEvent>(started.event, (ev) => {
        if (asm.apply(ev)) {
          schedule();
        }
      }),
    );
    render();
    try {
      const snap = await api.streamSnapshot(streamId);
      if (asm.snapshot(snap)) {
        schedule();
      }
    } catch (e) {
      if (toUIError(e).kind === 'not_found' && !asm.terminal) {
        // the reply ended before we looked: the saved message has it all
        ended = true;
        await this.finish(conversationId, streamId);
      }
    }
  }

  /** Ends a stream: keeps its final text in the view, then loads the saved conversation. */
  private async finish(conversationId: string, streamId: string): Promise<void> {
    this.unsubs.get(streamId)?.();
    this.unsubs.delete(streamId);
    const live = this.live[conversationId];
    // When the reply could not be saved, the disk has less than the screen:
    // keep showing what arrived instead of reloading it away.
    const unsaved = live?.streamId === streamId && live.error?.kind === 'storage';
    if (live && live.streamId === streamId) {
      const c = this.current;
      if (c && c.id === conversationId) {
        this.current = {
          ...c,
          messages: c.messages.map((m) =>
            m.id === live.messageId
              ? {
                  ...m,
                  content: live.content,
                  reasoning: live.reasoning,
                  status: live.status === 'done' ? 'complete' : live.status,
                  error: live.error,
                  continuable: live.status === 'stopped',
                }
              : m,
          ),
        };
      }
      delete this.live[conversationId];
    }
    if (this.current?.id === conversationId && !unsaved) {
      await this.reload(conversationId);
    }
  }
}
