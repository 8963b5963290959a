// The open conversation and the replies being written. Stream events are
// assembled by StreamAssembler and copied into state at most once per
// animation frame; a reply's text lives in one small object replaced per
// frame, so only the message being written re-renders.
import {
  api,
  hasBackend,
  onEvent,
  toUIError,
  type Attachment,
  type ConversationOptions,
  type ConversationView,
  type ErrorInfo,
  type MessageView,
  type Params,
  type Provider,
  type Started,
  type StreamEvent,
  type UIError,
} from '../backend';
import { frameBatcher, StreamAssembler, type RetryState, type StreamStatus } from '../stream';
import type { SettingsState } from './settings.svelte';
import type { UIState } from './ui.svelte';

/** A reply being written, as the UI shows it. */
export interface LiveReply {
  streamId: string;
  conversationId: string;
  messageId: string;
  content: string;
  reasoning: string;
  status: StreamStatus;
  error?: ErrorInfo;
  retry?: RetryState;
}

/** Which provider and model a conversation is sent with. */
export interface Target {
  providerId: string;
  model: string;
  provider?: Provider;
}

const lastKey = 'murmur.lastConversation';

function placeholder(id: string, parentId: string, role: string, content: string, attachments: Attachment[] = []): MessageView {
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
    attachments,
  };
}

export class ChatState {
  current = $state.raw<ConversationView | null>(null);
  /** Replies being written, by conversation id. */
  live = $state.raw<Record<string, LiveReply>>({});
  /** The last failed action, shown in the conversation pane. */
  error = $state<UIError | null>(null);
  /** Options picked for a new chat before its first message. */
  draft = $state.raw<ConversationOptions | null>(null);

  private unsubs = new Map<string, () => void>();
  private raf: (cb: () => void) => unknown;

  constructor(
    private settings: SettingsState,
    private ui: UIState,
    raf?: (cb: () => void) => unknown,
  ) {
    this.raf = raf ?? ((cb) => requestAnimationFrame(cb));
  }

  /** Reopens the conversation open when the app last closed. */
  async start(): Promise<void> {
    const last = localStorage.getItem(lastKey);
    if (last && hasBackend()) {
      try {
        this.current = await api.getConversation(last);
      } catch {
        localStorage.removeItem(lastKey);
      }
    }
  }

  dispose(): void {
    for (const off of this.unsubs.values()) {
      off();
    }
    this.unsubs.clear();
  }

  /** True while a reply is being written in the open conversation. */
  get streaming(): boolean {
    return this.current !== null && this.live[this.current.id] !== undefined;
  }

  /** The provider and model the open conversation (or a new chat) is sent with. */
  get target(): Target {
    const s = this.settings.settings;
    const c = this.current ?? this.draft;
    const providerId = c?.providerId || s?.defaults.providerId || '';
    const provider = s?.providers.find((p) => p.id === providerId);
    let model = c?.model || '';
    if (!model && providerId === s?.defaults.providerId) {
      model = s?.defaults.model ?? '';
    }
    model ||= provider?.defaultModel ?? '';
    return { providerId, model, provider };
  }

  /** The open chat's model is not in its provider's model list (as last fetched). */
  get modelMissing(): boolean {
    const { model, provider } = this.target;
    const known = provider?.models ?? [];
    return !!model && known.length > 0 && !known.includes(model);
  }

  /** The options of the open chat (or a new one) as they are set now. */
  get options(): ConversationOptions {
    const c = this.current ?? this.draft;
    return { providerId: c?.providerId ?? '', model: c?.model ?? '', systemPrompt: c?.systemPrompt, params: c?.params ?? {} };
  }

  /** The text of the last reply, for "copy the last reply". */
  get lastReply(): string {
    const msgs = this.current?.messages ?? [];
    for (let i = msgs.length - 1; i >= 0; i--) {
      const m = msgs[i]!;
      if (m.role === 'assistant') {
        const live = this.live[this.current!.id];
        return live && live.messageId === m.id ? live.content : m.content;
      }
    }
    return '';
  }

  async open(id: string): Promise<void> {
    this.error = null;
    try {
      this.current = await api.getConversation(id);
      this.draft = null;
      localStorage.setItem(lastKey, id);
    } catch (e) {
      this.error = toUIError(e);
    }
  }

  /** Starts a new, still empty conversation; it is created by the first message. */
  newChat(): void {
    this.current = null;
    this.draft = null;
    this.error = null;
    localStorage.removeItem(lastKey);
  }

  /** The open conversation went away (deleted). */
  closed(id: string): void {
    if (this.current?.id === id) {
      this.newChat();
    }
  }

  /** Go says these conversations changed: show the open one as saved. */
  changed(ids: string[]): void {
    const id = this.current?.id;
    if (id && ids.includes(id) && !this.live[id]) {
      void this.reload(id);
    }
  }

  private async reload(id: string): Promise<void> {
    try {
      const v = await api.getConversation(id);
      if (this.current?.id === id) {
        this.current = v;
      }
    } catch {
      // keep what is shown; the list reports lasting problems
    }
  }

  /** Changes the open chat's options (or a new chat's, kept until it starts). */
  async setOptions(o: ConversationOptions): Promise<boolean> {
    this.error = null;
    const c = this.current;
    if (!c) {
      this.draft = o;
      return true;
    }
    try {
      this.current = await api.setConversationOptions(c.id, o);
      return true;
    } catch (e) {
      this.error = toUIError(e);
      return false;
    }
  }

  /** Picks the provider and model of the open (or new) chat. */
  pickModel(providerId: string, model: string): Promise<boolean> {
    return this.setOptions({ ...this.options, providerId, model });
  }

  /** Sets the open chat's parameters and system prompt. */
  setParams(params: Params, systemPrompt: string | undefined): Promise<boolean> {
    return this.setOptions({ ...this.options, params, systemPrompt });
  }

  /**
   * Sends a prompt in the open conversation (a new one when none is open).
   * Returns false when nothing was saved, so the composer keeps the text.
   */
  async send(text: string, attachments: Attachment[] = []): Promise<boolean> {
    this.error = null;
    let convId = this.current?.id ?? '';
    let started: Started;
    try {
      if (!convId && this.draft) {
        // A new chat with its own options: create it first, so the reply
        // already uses them.
        const created = await api.newConversation();
        this.current = await api.setConversationOptions(created.id, this.draft);
        this.draft = null;
        convId = created.id;
        localStorage.setItem(lastKey, convId);
      }
      started = await api.send(convId, text, attachments);
    } catch (e) {
      const err = toUIError(e);
      if (err.conversationId) {
        // The prompt was saved but not sent (no key, no model): show it where
        // it is, so that fixing the settings and sending again loses nothing.
        await this.open(err.conversationId);
        this.error = err;
        return true;
      }
      this.error = err;
      return false;
    }
    const user = placeholder(started.userMessageId, '', 'user', text, attachments);
    const reply = placeholder(started.assistantMessageId, started.userMessageId, 'assistant', '');
    if (this.current && this.current.id === started.conversationId) {
      user.parentId = this.current.messages.at(-1)?.id ?? '';
      this.current = { ...this.current, messages: [...this.current.messages, user, reply] };
    } else {
      const now = new Date().toISOString();
      this.current = {
        id: started.conversationId, title: '', createdAt: now, updatedAt: now, pinned: false, archived: false,
        providerId: '', model: '', params: {}, messages: [user, reply],
      };
      localStorage.setItem(lastKey, started.conversationId);
    }
    await this.watch(started);
    return true;
  }

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

  regenerate(messageId: string): Promise<void> {
    const c = this.current;
    return c ? this.restart(() => api.regenerate(c.id, messageId)) : Promise.resolve();
  }

  edit(messageId: string, text: string, attachments: Attachment[]): Promise<void> {
    const c = this.current;
    return c ? this.restart(() => api.edit(c.id, messageId, text, attachments)) : Promise.resolve();
  }

  continueReply(messageId: string): Promise<void> {
    const c = this.current;
    const m = c?.messages.find((x) => x.id === messageId);
    return c && m ? this.restart(() => api.continueReply(c.id, messageId), m) : Promise.resolve();
  }

  /** Shows the previous (-1) or next (+1) alternative of a message. */
  async switchAlternative(messageId: string, step: number): Promise<void> {
    const c = this.current;
    const m = c?.messages.find((x) => x.id === messageId);
    const target = m?.alternatives[m.alternative + step];
    if (!c || !target) {
      return;
    }
    this.error = null;
    try {
      this.current = await api.switchAlternative(c.id, target);
    } catch (e) {
      this.error = toUIError(e);
    }
  }

  private setLive(id: string, reply: LiveReply | undefined): void {
    const next = { ...this.live };
    if (reply) {
      next[id] = reply;
    } else {
      delete next[id];
    }
    this.live = next;
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
      this.setLive(conversationId, {
        streamId, conversationId, messageId: assistantMessageId, content: st.content, reasoning: st.reasoning,
        status: st.status, error: st.error, retry: st.retry,
      });
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
      this.setLive(conversationId, undefined);
      this.ui.announce(
        live.status === 'done' ? 'Reply finished.' : live.status === 'stopped' ? 'Reply stopped.' : 'The reply failed.',
      );
    }
    if (this.current?.id === conversationId && !unsaved) {
      await this.reload(conversationId);
    }
  }
}
