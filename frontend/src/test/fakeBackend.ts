// A fake Go side for component tests: window.go.main.App with an in-memory
// conversation store, and window.runtime with the event calls that
// wailsjs/runtime makes (EventsOnMultiple, EventsOff).
import { ConversationsChangedEvent, ErrorKind, type ConversationView, type MessageView, type Settings, type SettingsView, type Started, type StreamEvent } from '../lib/backend';

type Listener = (...data: unknown[]) => void;

export interface Fake {
  app: Record<string, (...args: never[]) => Promise<unknown>>;
  calls: Array<[string, unknown[]]>;
  conversations: Map<string, ConversationView>;
  settings: SettingsView;
  /** Emits an event to every listener, as the Go side would. */
  emit(name: string, payload: unknown): void;
  listeners(name: string): number;
  /** The last stream started by Send/Regenerate/Edit/Continue. */
  lastStarted(): Started | undefined;
  uninstall(): void;
}

let counter = 0;
const nextId = (p: string) => `${p}${++counter}`;

export function message(id: string, role: string, content: string, extra: Partial<MessageView> = {}): MessageView {
  return {
    id,
    parentId: '',
    role,
    content,
    reasoning: '',
    status: 'complete',
    createdAt: '2026-01-01T00:00:00Z',
    alternatives: [id],
    alternative: 0,
    continuable: false,
    attachments: [],
    ...extra,
  };
}

export function conversation(id: string, title: string, messages: MessageView[] = []): ConversationView {
  return {
    id,
    title,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    pinned: false,
    archived: false,
    providerId: '',
    model: '',
    params: {},
    messages,
  };
}

export function defaultSettings(): Settings {
  return {
    providers: [
      {
        id: 'swarms', name: 'Swarms', preset: 'swarms', baseUrl: 'https://api.swarms.world', auth: 'x-api-key',
        supportsMaxLoops: true, defaultModel: 'gpt-4o', headers: {}, extraBody: {}, models: [], modelsFetchedAt: '',
      },
    ],
    defaults: { providerId: 'swarms', model: '', params: { temperature: 0.7 }, systemPrompt: '', historyLimit: 0, stream: true },
    appearance: { theme: 'system', fontSize: 15 },
  };
}

export function installFake(): Fake {
  const handlers = new Map<string, Set<Listener>>();
  const calls: Array<[string, unknown[]]> = [];
  const conversations = new Map<string, ConversationView>();
  const started: Started[] = [];
  const settings: SettingsView = {
    settings: defaultSettings(),
    report: { missing: false, migratedFrom: 0, newerVersion: false, problems: [], notes: [] },
    presets: [
      { preset: 'swarms', id: 'swarms', name: 'Swarms', baseUrl: 'https://api.swarms.world', auth: 'x-api-key', supportsMaxLoops: true },
      { preset: 'openai', id: 'openai', name: 'OpenAI', baseUrl: 'https://api.openai.com/v1', auth: 'bearer', supportsMaxLoops: false },
    ],
    keys: { swarms: { set: false, source: 'none', sessionOnly: false } },
  };

  const start = (convId: string, userId: string, assistantId: string): Started => {
    const streamId = nextId('stream-');
    const s = { streamId, event: `chat:stream:${streamId}`, conversationId: convId, userMessageId: userId, assistantMessageId: assistantId };
    started.push(s);
    return s;
  };
  const get = (id: string) => {
    const c = conversations.get(id);
    if (!c) {
      throw { kind: ErrorKind.NotFound, message: 'That conversation does not exist.' };
    }
    return c;
  };

  const app: Fake['app'] = {
    Info: async () => ({ name: 'Murmur', version: '9.9.9', shell: 'desktop' }),
    ListConversations: async (filter: string, offset: number, limit: number) => {
      const all = [...conversations.values()]
        .filter((c) => filter === 'all' || (filter === 'archived') === c.archived)
        .map((c) => ({
          id: c.id, title: c.title, createdAt: c.createdAt, updatedAt: c.updatedAt, pinned: c.pinned,
          archived: c.archived, providerId: '', model: '', messageCount: c.messages.length, preview: '',
        }));
      all.sort((a, b) => Number(b.pinned) - Number(a.pinned));
      const items = all.slice(offset, offset + limit);
      return { items, total: all.length, more: offset + items.length < all.length };
    },
    SearchConversations: async (q: string) => {
      const items = [...conversations.values()]
        .filter((c) => c.messages.some((m) => m.content.includes(q)))
        .map((c) => {
          const m = c.messages.find((x) => x.content.includes(q))!;
          const i = m.content.indexOf(q);
          return {
            id: c.id, title: c.title, createdAt: '', updatedAt: '', pinned: false, archived: false, providerId: '',
            model: '', messageCount: 0, preview: '', messageId: m.id,
            snippet: [
              { text: m.content.slice(0, i), match: false },
              { text: q, match: true },
              { text: m.content.slice(i + q.length), match: false },
            ],
          };
        });
      return { items, total: items.length, more: false };
    },
    GetConversation: async (id: string) => structuredClone(get(id)),
    NewConversation: async () => {
      const c = conversation(nextId('conv-'), '');
      conversations.set(c.id, c);
      return structuredClone(c);
    },
    Send: async (convId: string, text: string) => {
      let c = convId ? get(convId) : undefined;
      if (!c) {
        c = conversation(nextId('conv-'), 'New chat');
        conversations.set(c.id, c);
      }
      const u = message(nextId('u-'), 'user', text, { parentId: c.messages.at(-1)?.id ?? '' });
      const a = message(nextId('a-'), 'assistant', '', { parentId: u.id, status: 'streaming' });
      c.messages.push(u, a);
      return start(c.id, u.id, a.id);
    },
    Stop: async () => undefined,
    // A stream just started has produced nothing yet.
    StreamSnapshot: async (streamId: string) => {
      const st = started.find((x) => x.streamId === streamId);
      if (!st) {
        throw { kind: ErrorKind.NotFound, message: 'That reply is no longer being written.' };
      }
      return { streamId, conversationId: st.conversationId, messageId: st.assistantMessageId, seq: 0, content: '', reasoning: '', status: 'streaming' };
    },
    Regenerate: async (convId: string, msgId: string) => {
      const c = get(convId);
      const old = c.messages.find((m) => m.id === msgId)!;
      const a = message(nextId('a-'), 'assistant', '', { parentId: old.parentId, status: 'streaming' });
      const alts = [...old.alternatives, a.id];
      c.messages = c.messages.map((m) => (m.id === msgId ? { ...a, alternatives: alts, alternative: alts.length - 1 } : m));
      return start(convId, old.parentId, a.id);
    },
    Edit: async (convId: string, msgId: string, text: string) => {
      const c = get(convId);
      const i = c.messages.findIndex((m) => m.id === msgId);
      const old = c.messages[i]!;
      const u = message(nextId('u-'), 'user', text, { parentId: old.parentId, alternatives: [...old.alternatives], alternative: old.alternatives.length });
      u.alternatives.push(u.id);
      const a = message(nextId('a-'), 'assistant', '', { parentId: u.id, status: 'streaming' });
      c.messages = [...c.messages.slice(0, i), u, a];
      return start(convId, u.id, a.id);
    },
    Continue: async (convId: string, msgId: string) => {
      const c = get(convId);
      const m = c.messages.find((x) => x.id === msgId)!;
      m.status = 'streaming';
      m.continuable = false;
      return start(convId, m.parentId, m.id);
    },
    SwitchAlternative: async (convId: string) => structuredClone(get(convId)),
    PinConversation: async (id: string, pinned: boolean) => {
      get(id).pinned = pinned;
    },
    ArchiveConversation: async (id: string, archived: boolean) => {
      get(id).archived = archived;
    },
    RenameConversation: async () => undefined,
    DeleteConversation: async (id: string) => {
      conversations.delete(id);
    },
    OpenLink: async () => true,
    GetSettings: async () => structuredClone(settings),
    SaveSettings: async (s: Settings) => {
      settings.settings = structuredClone(s);
      return [];
    },
    SetKey: async () => ({ set: true, source: 'keychain', hint: '…abcd', sessionOnly: false }),
    DeleteKey: async () => ({ set: false, source: 'none', sessionOnly: false }),
    ListModels: async () => ['gpt-4o', 'claude-sonnet'],
    CheckProvider: async () => ['gpt-4o', 'gpt-4o-mini'],
    AttachFiles: async () => [],
    AddAttachment: async (name: string, data: string) => ({ id: 'sha256-' + 'a'.repeat(64), name, mime: 'text/plain', size: atob(data).length, kind: 'text' }),
    AttachmentData: async (id: string) => ({ id, mime: 'image/png', data: '' }),
    SetConversationOptions: async (id: string, o: { providerId: string; model: string; params: object; systemPrompt?: string }) => {
      const c = get(id);
      Object.assign(c, { providerId: o.providerId, model: o.model, params: o.params, systemPrompt: o.systemPrompt });
      return structuredClone(c);
    },
    Credits: async () => ({ credit: 10, freeCredit: 2.5, referralCredits: 0, totalCredits: 12.5 }),
    RateLimits: async () => {
      const w = (remaining: number) => ({ count: 0, limit: 100, exceeded: false, remaining, resetTime: '' });
      return { minute: w(99), hour: w(900), day: w(5000), tier: 'free' };
    },
  };

  // Like Go, tell the page after every write which conversation changed.
  const writes = new Set([
    'NewConversation', 'Send', 'Regenerate', 'Edit', 'Continue', 'SwitchAlternative', 'RenameConversation',
    'PinConversation', 'ArchiveConversation', 'DeleteConversation', 'SetConversationOptions',
  ]);
  const changedId = (name: string, args: unknown[], result: unknown): string => {
    const r = result as { conversationId?: string; id?: string } | undefined;
    return r?.conversationId ?? (name === 'NewConversation' ? (r?.id ?? '') : String(args[0] ?? ''));
  };

  // Every call is recorded and, like Go, each write is followed by the
  // change event; methods a test replaces later are wrapped the same way.
  const wrap = (name: string) => async (...args: never[]) => {
    calls.push([name, args]);
    const result = await (app[name] as (...a: never[]) => Promise<unknown>)(...args);
    if (writes.has(name)) {
      const id = changedId(name, args, result);
      queueMicrotask(() => emitTo(ConversationsChangedEvent, [id]));
    }
    return result;
  };
  const proxy = new Proxy(app, {
    get: (target, prop: string) => (prop in target ? wrap(prop) : undefined),
  });

  function emitTo(name: string, payload: unknown) {
    for (const cb of [...(handlers.get(name) ?? [])]) {
      cb(payload);
    }
  }

  const runtime = {
    EventsOnMultiple(name: string, cb: Listener) {
      const set = handlers.get(name) ?? new Set<Listener>();
      set.add(cb);
      handlers.set(name, set);
      return () => set.delete(cb);
    },
    EventsOff(name: string) {
      handlers.delete(name);
    },
  };
  const w = window as unknown as { go?: unknown; runtime?: unknown };
  w.go = { main: { App: proxy } };
  w.runtime = runtime;

  return {
    app,
    calls,
    conversations,
    settings,
    emit: emitTo,
    listeners: (name) => handlers.get(name)?.size ?? 0,
    lastStarted: () => started.at(-1),
    uninstall() {
      delete w.go;
      delete w.runtime;
    },
  };
}

/** A stream event for the last started stream. */
export function ev(s: Started, seq: number, type: StreamEvent['type'], extra: Partial<StreamEvent> = {}): StreamEvent {
  return { streamId: s.streamId, seq, type, conversationId: s.conversationId, messageId: s.assistantMessageId, ...extra };
}
