// The state of one widget's chat: its instance of the core, the one
// conversation it shows, and the reply being written.
import type { ConversationView, Started, StreamEvent } from '../lib/backend';
import { toUIError } from '../lib/backend';
import { StreamAssembler } from '../lib/stream';
import type { Asker, Core, Instance } from '../web/core';
import type { WidgetConfig } from './config';

export interface Line {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  status: string;
  error?: string;
}

type Emit = (name: 'murmur-ready' | 'murmur-message' | 'murmur-error', detail: unknown) => void;

/** The parts of the configuration the core is opened with. */
function coreKey(c: WidgetConfig): string {
  return JSON.stringify([c.id, c.storage, c.endpoint, c.model, c.systemPrompt]);
}

export class ChatModel {
  config = $state<WidgetConfig | null>(null);
  lines = $state<Line[]>([]);
  /** Why the widget cannot chat now (a refused attribute, a failed start), or "". */
  problem = $state('');
  /** The last send's error, shown above the composer. */
  error = $state('');
  ready = $state(false);
  streamId = $state<string | null>(null);
  draft = $state('');
  composer: HTMLTextAreaElement | null = null;

  private instance: Instance | null = null;
  private opening: Promise<Instance | null> = Promise.resolve(null);
  private key = '';
  private conversationId: string | null = null;
  private offStream: () => void = () => {};
  private disposed = false;

  constructor(
    private readonly core: Core,
    private readonly asker: Asker,
    private readonly emit: Emit,
  ) {}

  configure(cfg: WidgetConfig, refused: string): void {
    this.config = cfg;
    if (refused) {
      this.problem = refused;
      this.close();
      this.key = '';
      return;
    }
    this.problem = '';
    const key = coreKey(cfg);
    if (key === this.key) return;
    this.key = key;
    this.close();
    this.opening = this.open(cfg, key);
  }

  private async open(cfg: WidgetConfig, key: string): Promise<Instance | null> {
    this.ready = false;
    try {
      const inst = await this.core.open(
        {
          name: `widget:${cfg.id}`,
          storage: cfg.storage === 'indexeddb' ? 'indexeddb' : 'memory',
          shell: 'widget',
          endpoint: cfg.endpoint,
          model: cfg.model,
          systemPrompt: cfg.systemPrompt,
        },
        this.asker,
      );
      if (this.disposed || key !== this.key) {
        void inst.close();
        return null;
      }
      // Shown only once restored: a send made meanwhile waits for it, so
      // its lines cannot be replaced by the restored ones.
      await this.restore(inst);
      this.instance = inst;
      this.ready = true;
      this.emit('murmur-ready', { id: cfg.id });
      return inst;
    } catch (e) {
      if (key === this.key) {
        const err = toUIError(e);
        this.problem = err.message;
        this.emit('murmur-error', err);
      }
      return null;
    }
  }

  /** Shows the conversation this widget had last (kept in the browser). */
  private async restore(inst: Instance): Promise<void> {
    const page = await inst.call<{ items: { id: string }[] }>('ListConversations', 'active', 0, 1);
    const first = page.items[0];
    if (!first) {
      this.conversationId = null;
      this.lines = [];
      return;
    }
    const conv = await inst.call<ConversationView>('GetConversation', first.id);
    this.conversationId = conv.id;
    this.lines = conv.messages
      .filter((m) => m.role === 'user' || m.role === 'assistant')
      .map((m) => ({
        id: m.id,
        role: m.role as Line['role'],
        content: m.content,
        status: m.status,
        error: m.error?.message,
      }));
  }

  private close(): void {
    this.offStream();
    this.offStream = () => {};
    this.streamId = null;
    const inst = this.instance;
    this.instance = null;
    this.ready = false;
    void inst?.close().catch(() => {});
  }

  private async ready_(): Promise<Instance> {
    if (this.problem) throw new Error(this.problem);
    const inst = this.instance ?? (await this.opening);
    if (!inst) throw new Error(this.problem || 'The chat is not ready yet.');
    return inst;
  }

  /** Sends text; resolves once the reply has started. */
  async send(text: string): Promise<void> {
    const t = text.trim();
    if (!t) return;
    if (this.streamId) throw new Error('A reply is still being written; stop it first.');
    this.error = '';
    try {
      const inst = await this.ready_();
      if (!this.conversationId) {
        this.conversationId = (await inst.call<ConversationView>('NewConversation')).id;
      }
      const started = await inst.call<Started>('Send', this.conversationId, t, []);
      this.follow(inst, started, t);
    } catch (e) {
      const err = toUIError(e);
      this.error = err.message;
      this.emit('murmur-error', err);
      throw err;
    }
  }

  private follow(inst: Instance, s: Started, text: string): void {
    this.lines.push({ id: s.userMessageId, role: 'user', content: text, status: 'complete' });
    this.lines.push({ id: s.assistantMessageId, role: 'assistant', content: '', status: 'streaming' });
    const line = this.lines[this.lines.length - 1]!;
    const asm = new StreamAssembler(s.streamId);
    this.streamId = s.streamId;
    this.offStream = inst.on<StreamEvent>(s.event, (ev) => {
      if (!asm.apply(ev)) return;
      const st = asm.state;
      line.content = st.content;
      if (!asm.terminal) return;
      line.status = st.status === 'done' ? 'complete' : st.status;
      line.error = st.error?.message;
      this.offStream();
      this.offStream = () => {};
      this.streamId = null;
      if (st.status === 'done') {
        this.emit('murmur-message', { conversationId: s.conversationId, messageId: s.assistantMessageId, text: st.content });
      } else if (st.status === 'error' && st.error) {
        this.emit('murmur-error', { kind: st.error.kind, message: st.error.message });
      }
    });
  }

  async stop(): Promise<void> {
    const id = this.streamId;
    if (!id || !this.instance) return;
    await this.instance.call('Stop', id).catch(() => {});
  }

  /** Starts over: the conversation shown is deleted. */
  async clear(): Promise<void> {
    await this.stop();
    const inst = await this.ready_();
    const id = this.conversationId;
    this.conversationId = null;
    this.lines = [];
    this.error = '';
    if (id) await inst.call('DeleteConversation', id);
  }

  async openLink(url: string): Promise<void> {
    await this.instance?.call('OpenLink', url).catch(() => {});
  }

  focusComposer(): void {
    this.composer?.focus();
  }

  dispose(): void {
    this.disposed = true;
    this.close();
  }
}
