// The stand-in for the Go side, for component tests (Vitest) and the
// browser tests (Playwright): window.go.main.App with an in-memory store,
// and window.runtime with the event calls wailsjs/runtime makes.
//
// It cannot drift from Go: its methods are typed against the generated
// bindings (a method added, renamed or retyped in Go fails the type check),
// and replies are replayed from streams recorded from the real engine
// (src/test/recorded, checked by app_recordings_test.go).
import type * as Bindings from '../../wailsjs/go/main/App';
import {
  ConversationsChangedEvent,
  ErrorKind,
  type Attachment,
  type ConversationView,
  type MessageView,
  type Plain,
  type Provider,
  type Settings,
  type SettingsView,
  type Started,
  type StreamEvent,
} from '../lib/backend';
import auth from './recorded/auth-error.json';
import cut from './recorded/cut.json';
import long from './recorded/long.json';
import markdown from './recorded/markdown.json';
import rateLimited from './recorded/rate-limited.json';
import reply from './recorded/reply.json';

type Bound = typeof Bindings;
/** Every bound method, with the argument and result types Go declares. */
export type FakeApp = {
  [K in keyof Bound]: (...args: Parameters<Bound[K]>) => Promise<Plain<Awaited<ReturnType<Bound[K]>>>>;
};

type Listener = (...data: unknown[]) => void;

export interface Recording {
  prompt: string;
  events: Array<{ atMs: number; event: StreamEvent }>;
}

/** The recorded stream a prompt is answered with, as the fake API would. */
export function recordingFor(prompt: string): Recording {
  const p = prompt.trim();
  if (p.startsWith('/long')) return long as Recording;
  if (p.startsWith('/think')) return markdown as Recording;
  if (p.startsWith('/error 401')) return auth as Recording;
  if (p.startsWith('/error 429')) return rateLimited as Recording;
  if (p.startsWith('/cut')) return cut as Recording;
  return reply as Recording;
}

export interface Fake {
  app: FakeApp;
  calls: Array<[string, unknown[]]>;
  conversations: Map<string, ConversationView>;
  settings: SettingsView;
  /** Emits an event to every listener, as the Go side would. */
  emit(name: string, payload: unknown): void;
  listeners(name: string): number;
  /** The last stream started by Send/Regenerate/Edit/Continue. */
  lastStarted(): Started | undefined;
  /**
   * Plays replies from the recordings, at speed times their pace (0: the
   * test emits events itself).
   */
  replay: number;
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

function provider(p: Partial<Provider> & Pick<Provider, 'id' | 'name' | 'preset' | 'baseUrl' | 'auth'>): Provider {
  return { headers: {}, extraBody: {}, models: [], modelsFetchedAt: '', defaultModel: '', supportsMaxLoops: false, ...p };
}

export function defaultSettings(): Settings {
  return {
    providers: [
      provider({
        id: 'swarms', name: 'Swarms', preset: 'swarms', baseUrl: 'https://api.swarms.world/v1', auth: 'x-api-key',
        supportsMaxLoops: true, defaultModel: 'gpt-4o',
      }),
    ],
    defaults: { providerId: 'swarms', model: '', params: { temperature: 0.7 }, systemPrompt: '', historyLimit: 0, stream: true },
    appearance: { theme: 'system', fontSize: 15 },
  };
}

const presets = [
  { preset: 'swarms', id: 'swarms', name: 'Swarms', baseUrl: 'https://api.swarms.world/v1', auth: 'x-api-key', supportsMaxLoops: true },
  { preset: 'openai', id: 'openai', name: 'OpenAI', baseUrl: 'https://api.openai.com/v1', auth: 'bearer', supportsMaxLoops: false },
  { preset: 'openrouter', id: 'openrouter', name: 'OpenRouter', baseUrl: 'https://openrouter.ai/api/v1', auth: 'bearer', supportsMaxLoops: false },
  { preset: 'ollama', id: 'ollama', name: 'Ollama', baseUrl: 'http://localhost:11434/v1', auth: 'none', supportsMaxLoops: false },
  { preset: 'custom', id: 'custom', name: 'Custom', baseUrl: '', auth: 'bearer', supportsMaxLoops: false },
];

export function installFake(): Fake {
  const handlers = new Map<string, Set<Listener>>();
  const calls: Array<[string, unknown[]]> = [];
  const conversations = new Map<string, ConversationView>();
  const started: Started[] = [];
  const blobs = new Map<string, { mime: string; data: string; name: string }>();
  const playing = new Map<string, { timers: ReturnType<typeof setTimeout>[]; seq: number; finish: (status: string) => void }>();
  const settings: SettingsView = {
    settings: defaultSettings(),
    report: { missing: false, migratedFrom: 0, newerVersion: false, problems: [], notes: [] },
    presets,
    keys: { swarms: { set: false, source: 'none', sessionOnly: false } },
    keyStorage: { switchable: false, remembered: false },
  };

  const emitTo = (name: string, payload: unknown) => {
    for (const cb of [...(handlers.get(name) ?? [])]) {
      cb(payload);
    }
  };
  const notFound = (what: string) => ({ kind: ErrorKind.NotFound, message: `That ${what} does not exist.` });
  const get = (id: string) => {
    const c = conversations.get(id);
    if (!c) throw notFound('conversation');
    return c;
  };
  const summary = (c: ConversationView) => ({
    id: c.id, title: c.title, createdAt: c.createdAt, updatedAt: c.updatedAt, pinned: c.pinned, archived: c.archived,
    providerId: c.providerId, model: c.model, messageCount: c.messages.length,
    preview: c.messages.at(-1)?.content.slice(0, 120) ?? '',
  });

  /** Plays a recorded reply into message msgId (its text from base on). */
  function play(s: Started, prompt: string, base = '') {
    const rec = recordingFor(prompt);
    const c = conversations.get(s.conversationId);
    const m = c?.messages.find((x) => x.id === s.assistantMessageId);
    let content = base;
    let reasoning = '';
    const state = { timers: [] as ReturnType<typeof setTimeout>[], seq: 0, finish: (_: string) => {} };
    const save = (status: string, error?: StreamEvent['error']) => {
      if (m) Object.assign(m, { content, reasoning, status, error, continuable: status === 'stopped' });
      if (c) c.updatedAt = new Date().toISOString();
      playing.delete(s.streamId);
      queueMicrotask(() => emitTo(ConversationsChangedEvent, [s.conversationId]));
    };
    state.finish = (status: string) => {
      state.timers.forEach(clearTimeout);
      emitTo(s.event, { streamId: s.streamId, conversationId: s.conversationId, messageId: s.assistantMessageId, seq: ++state.seq, type: status });
      save(status);
    };
    // A retry waits as long as it says (at the replay's pace).
    let delay = 0;
    for (const { atMs, event } of rec.events) {
      const at = atMs + delay;
      if (event.type === 'retrying') delay += event.retryInMs ?? 0;
      state.timers.push(
        setTimeout(() => {
          const ev = { ...event, streamId: s.streamId, conversationId: s.conversationId, messageId: s.assistantMessageId, seq: ++state.seq };
          content += ev.delta ?? '';
          reasoning += ev.reasoningDelta ?? '';
          emitTo(s.event, ev);
          if (ev.type === 'done' || ev.type === 'error' || ev.type === 'stopped') {
            save(ev.type === 'done' ? 'complete' : ev.type, ev.error);
          }
        }, at / fake.replay),
      );
    }
    playing.set(s.streamId, state);
  }

  const start = (convId: string, userId: string, assistantId: string, prompt: string, base = ''): Started => {
    const streamId = nextId('stream-');
    const s = { streamId, event: `chat:stream:${streamId}`, conversationId: convId, userMessageId: userId, assistantMessageId: assistantId };
    started.push(s);
    if (fake.replay > 0) {
      queueMicrotask(() => play(s, prompt, base));
    }
    return s;
  };

  const keptAttachments = (atts: Attachment[]) => atts.map((a) => ({ ...a, kind: blobs.get(a.id)?.mime.startsWith('image/') ? 'image' : 'text' }));

  const app = {
    Info: async () => ({ name: 'Murmur', version: '9.9.9', shell: 'desktop' }),
    // Summaries of the page asked for only, as Go's index does: the stand-in
    // runs on the page's thread, and the benchmarks time that thread.
    ListConversations: async (filter: string, offset: number, limit: number) => {
      const all = [...conversations.values()]
        .filter((c) => filter === 'all' || (filter === 'archived') === c.archived)
        .sort((a, b) => Number(b.pinned) - Number(a.pinned) || (b.updatedAt < a.updatedAt ? -1 : b.updatedAt > a.updatedAt ? 1 : 0));
      const items = all.slice(offset, offset + limit).map(summary);
      return { items, total: all.length, more: offset + items.length < all.length };
    },
    SearchConversations: async (q: string, filter: string, offset: number, limit: number) => {
      const found = [...conversations.values()].filter(
        (c) => (filter === 'all' || (filter === 'archived') === c.archived) && c.messages.some((m) => m.content.includes(q)),
      );
      const items = found
        .slice(offset, offset + limit)
        .map((c) => {
          const m = c.messages.find((x) => x.content.includes(q))!;
          const i = m.content.indexOf(q);
          return {
            ...summary(c),
            messageId: m.id,
            snippet: [
              { text: m.content.slice(0, i), match: false },
              { text: q, match: true },
              { text: m.content.slice(i + q.length), match: false },
            ],
          };
        });
      return { items, total: found.length, more: offset + items.length < found.length, capped: false };
    },
    GetConversation: async (id: string) => structuredClone(get(id)),
    NewConversation: async () => {
      const c = conversation(nextId('conv-'), '');
      conversations.set(c.id, c);
      return structuredClone(c);
    },
    SetConversationOptions: async (id: string, o: Plain<Parameters<Bound['SetConversationOptions']>[1]>) => {
      const c = get(id);
      for (const [k, v] of Object.entries(o.params ?? {})) {
        if (k === 'temperature' && typeof v === 'number' && (v < 0 || v > 2)) {
          throw { kind: ErrorKind.Invalid, message: `The temperature must be between 0 and 2, not ${v}.`,
            fields: [{ path: 'params.temperature', message: `the temperature must be between 0 and 2, not ${v}`, warning: false }] };
        }
      }
      Object.assign(c, { providerId: o.providerId, model: o.model, params: o.params ?? {}, systemPrompt: o.systemPrompt });
      return structuredClone(c);
    },
    Send: async (convId: string, text: string, atts: Attachment[]) => {
      let c = convId ? get(convId) : undefined;
      if (!c) {
        c = conversation(nextId('conv-'), text.split(/\s+/).slice(0, 6).join(' ') || atts[0]?.name || 'New chat');
        conversations.set(c.id, c);
      }
      const u = message(nextId('u-'), 'user', text, { parentId: c.messages.at(-1)?.id ?? '', attachments: keptAttachments(atts ?? []) });
      const a = message(nextId('a-'), 'assistant', '', { parentId: u.id, status: 'streaming', model: c.model || 'gpt-4o' });
      c.messages.push(u, a);
      return start(c.id, u.id, a.id, text);
    },
    Stop: async (streamId: string) => {
      playing.get(streamId)?.finish('stopped');
    },
    // A stream just started has produced nothing yet.
    StreamSnapshot: async (streamId: string) => {
      const st = started.find((x) => x.streamId === streamId);
      if (!st) throw { kind: ErrorKind.NotFound, message: 'That reply is no longer being written.' };
      return { streamId, conversationId: st.conversationId, messageId: st.assistantMessageId, seq: 0, content: '', reasoning: '', status: 'streaming' };
    },
    Regenerate: async (convId: string, msgId: string) => {
      const c = get(convId);
      const old = c.messages.find((m) => m.id === msgId)!;
      const prompt = old.role === 'user' ? old : c.messages.find((m) => m.id === old.parentId)!;
      const a = message(nextId('a-'), 'assistant', '', { parentId: prompt.id, status: 'streaming' });
      if (old.role === 'user') {
        c.messages.push(a);
      } else {
        const alts = [...old.alternatives, a.id];
        c.messages = c.messages.map((m) => (m.id === msgId ? { ...a, alternatives: alts, alternative: alts.length - 1 } : m));
      }
      return start(convId, prompt.id, a.id, prompt.content);
    },
    Edit: async (convId: string, msgId: string, text: string, atts: Attachment[]) => {
      const c = get(convId);
      const i = c.messages.findIndex((m) => m.id === msgId);
      const old = c.messages[i]!;
      const u = message(nextId('u-'), 'user', text, {
        parentId: old.parentId, alternatives: [...old.alternatives], alternative: old.alternatives.length, attachments: keptAttachments(atts ?? []),
      });
      u.alternatives.push(u.id);
      const a = message(nextId('a-'), 'assistant', '', { parentId: u.id, status: 'streaming' });
      c.messages = [...c.messages.slice(0, i), u, a];
      return start(convId, u.id, a.id, text);
    },
    Continue: async (convId: string, msgId: string) => {
      const c = get(convId);
      const m = c.messages.find((x) => x.id === msgId)!;
      m.status = 'streaming';
      m.continuable = false;
      return start(convId, m.parentId, m.id, 'continue', m.content);
    },
    SwitchAlternative: async (convId: string) => structuredClone(get(convId)),
    PinConversation: async (id: string, pinned: boolean) => {
      get(id).pinned = pinned;
    },
    ArchiveConversation: async (id: string, archived: boolean) => {
      get(id).archived = archived;
    },
    RenameConversation: async (id: string, title: string) => {
      get(id).title = title;
    },
    DeleteConversation: async (id: string) => {
      conversations.delete(id);
    },
    OpenLink: async () => true,
    GetSettings: async () => structuredClone(settings),
    SaveSettings: async (s: Settings) => {
      // The checks Go makes that the tests need: a default provider, ranges, base URLs.
      const fields: Array<{ path: string; message: string; warning: boolean }> = [];
      if (!s.providers.some((p) => p.id === s.defaults.providerId)) {
        fields.push({ path: 'defaults.providerId', message: 'choose the provider new conversations use', warning: false });
      }
      const t = s.defaults.params.temperature;
      if (t !== undefined && (t < 0 || t > 2)) {
        fields.push({ path: 'defaults.params.temperature', message: `the temperature must be between 0 and 2, not ${t}`, warning: false });
      }
      s.providers.forEach((p, i) => {
        if (!/^https?:\/\/./.test(p.baseUrl)) {
          fields.push({ path: `providers[${i}].baseUrl`, message: 'enter the base URL of the API, e.g. https://api.example.com/v1', warning: false });
        }
      });
      if (fields.length > 0) {
        throw { kind: ErrorKind.Invalid, message: `Some settings need fixing: ${fields[0]!.message}`, fields };
      }
      settings.settings = structuredClone(s);
      return [];
    },
    SetKey: async (id: string, key: string) => {
      const st = { set: true, source: 'keychain', hint: '…' + key.slice(-4), sessionOnly: false };
      settings.keys[id] = st;
      return st;
    },
    DeleteKey: async (id: string) => {
      const st = { set: false, source: 'none', sessionOnly: false };
      settings.keys[id] = st;
      return st;
    },
    RememberKeys: async () => {
      throw { kind: ErrorKind.Invalid, message: 'This Murmur keeps keys in the system keychain; there is nothing to choose.' };
    },
    KeyStatus: async (id: string) => settings.keys[id] ?? { set: false, source: 'none', sessionOnly: false },
    ListModels: async (id: string) => {
      const models = ['gpt-4o', 'claude-sonnet'];
      const p = settings.settings.providers.find((x) => x.id === id);
      if (p) p.models = models;
      return models;
    },
    CheckProvider: async (_p: Provider, key: string) => {
      if (key.includes('wrong')) {
        throw { kind: ErrorKind.Auth, message: 'The API key was refused (HTTP 401): check that it is complete.' };
      }
      return ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-20250514'];
    },
    Credits: async () => ({ credit: 10, freeCredit: 2.5, referralCredits: 0, totalCredits: 12.5 }),
    RateLimits: async () => {
      const w = (remaining: number) => ({ count: 0, limit: 100, exceeded: false, remaining, resetTime: '' });
      return { minute: w(99), hour: w(900), day: w(5000), tier: 'free' };
    },
    ExportConversation: async (id: string) => ({ saved: true, where: `/home/you/${get(id).title || 'conversation'}.md`, count: 1 }),
    ExportAll: async () => ({ saved: true, where: '/home/you/murmur-conversations.zip', count: conversations.size }),
    Import: async () => ({ chosen: false, kind: '', imported: [], skipped: [], moreSkipped: 0, ignored: 0, alreadyImported: 0, attachments: 0, summary: '', details: [] }),
    AttachFiles: async () => [],
    AddAttachment: async (name: string, data: string) => {
      const bin = atob(data);
      const image = /\.(png|jpe?g|gif|webp)$/i.test(name) && bin.startsWith('\x89PNG');
      if (/\.pdf$/i.test(name)) {
        throw { kind: ErrorKind.Invalid, message: `${name} is a PDF: PDF is not supported yet. Copy its text into the message.` };
      }
      let h = 0;
      for (let i = 0; i < bin.length; i++) h = (h * 31 + bin.charCodeAt(i)) >>> 0;
      const id = 'sha256-' + h.toString(16).padStart(64, '0');
      blobs.set(id, { mime: image ? 'image/png' : 'text/plain', data, name });
      return { id, name, mime: image ? 'image/png' : 'text/plain', size: bin.length, kind: image ? 'image' : 'text' };
    },
    AttachmentData: async (id: string) => {
      const b = blobs.get(id);
      if (!b) throw notFound('attachment');
      return { id, mime: b.mime, data: b.data };
    },
  } satisfies FakeApp;

  // Like Go, tell the page after every write which conversation changed.
  const writes = new Set<string>([
    'NewConversation', 'Send', 'Regenerate', 'Edit', 'Continue', 'SwitchAlternative', 'RenameConversation',
    'PinConversation', 'ArchiveConversation', 'DeleteConversation', 'SetConversationOptions',
  ]);
  const changedId = (name: string, args: unknown[], result: unknown): string => {
    const r = result as { conversationId?: string; id?: string } | undefined;
    return r?.conversationId ?? (name === 'NewConversation' ? (r?.id ?? '') : String(args[0] ?? ''));
  };
  const impl = app as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  // Every call is recorded and each write is followed by the change event;
  // methods a test replaces later are wrapped the same way.
  const wrap = (name: string) => async (...raw: unknown[]) => {
    // What crosses to Go is JSON, as the bindings send it.
    const args = raw.map((a) => (a === undefined ? a : JSON.parse(JSON.stringify(a))));
    calls.push([name, args]);
    const result = await impl[name]!(...args);
    if (writes.has(name)) {
      const id = changedId(name, args, result);
      queueMicrotask(() => emitTo(ConversationsChangedEvent, [id]));
    }
    return result;
  };
  const proxy = new Proxy(impl, {
    get: (target, prop: string) => (prop in target ? wrap(prop) : undefined),
  });

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
    Quit() {
      calls.push(['Quit', []]);
    },
  };
  const w = window as unknown as { go?: unknown; runtime?: unknown };
  w.go = { main: { App: proxy } };
  w.runtime = runtime;

  const fake: Fake = {
    app,
    calls,
    conversations,
    settings,
    emit: emitTo,
    listeners: (name) => handlers.get(name)?.size ?? 0,
    lastStarted: () => started.at(-1),
    replay: 0,
    uninstall() {
      for (const p of playing.values()) p.timers.forEach(clearTimeout);
      delete w.go;
      delete w.runtime;
    },
  };
  return fake;
}

/** A stream event for the last started stream. */
export function ev(s: Started, seq: number, type: StreamEvent['type'], extra: Partial<StreamEvent> = {}): StreamEvent {
  return { streamId: s.streamId, seq, type, conversationId: s.conversationId, messageId: s.assistantMessageId, ...extra };
}
