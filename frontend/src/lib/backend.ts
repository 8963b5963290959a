// The one door from the UI to Go. Every call goes through the generated Wails
// bindings (desktop) or the same-named shim the web shell installs; nothing
// here talks to the network. Errors from Go arrive as the JSON text of a
// UIError; every wrapper rejects with the parsed UIError object.
import * as App from '../../wailsjs/go/main/App';
import { ClipboardSetText, EventsOn } from '../../wailsjs/runtime/runtime';

// ---- types (plain JSON shapes of the Go facade) ---------------------------

export interface AppInfo {
  name: string;
  version: string;
}

export interface FieldError {
  path: string;
  message: string;
  warning?: boolean;
}

/** The error every facade method rejects with. */
export interface UIError {
  kind: string;
  message: string;
  fields?: FieldError[];
  status?: number;
  requestId?: string;
  retryable?: boolean;
  upgradeUrl?: string;
  /** Set when a prompt was saved although it could not be sent (e.g. no key). */
  conversationId?: string;
  messageId?: string;
}

export interface ErrorInfo {
  message: string;
  kind?: string;
  status?: number;
  request_id?: string;
  retryable?: boolean;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface Timing {
  first_token_ms?: number;
  total_ms?: number;
}

export type MessageStatus = 'complete' | 'streaming' | 'stopped' | 'interrupted' | 'error';

export interface MessageView {
  id: string;
  parentId: string;
  role: string;
  content: string;
  reasoning: string;
  status: MessageStatus | string;
  error?: ErrorInfo;
  finishReason?: string;
  usage?: Usage;
  timing?: Timing;
  model?: string;
  createdAt: string;
  alternatives: string[];
  alternative: number;
  continuable: boolean;
}

export interface Params {
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  max_loops?: number;
}

export interface ConversationView {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
  pinned: boolean;
  archived: boolean;
  providerId: string;
  model: string;
  systemPrompt?: string;
  params: Params;
  messages: MessageView[];
}

export interface Summary {
  ID: string;
  Title: string;
  CreatedAt: string;
  UpdatedAt: string;
  Pinned: boolean;
  Archived: boolean;
  ProviderID: string;
  Model: string;
  MessageCount: number;
  Preview: string;
}

export interface Segment {
  Text: string;
  Match: boolean;
}

export interface Hit extends Summary {
  MessageID: string;
  Snippet: Segment[] | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  more: boolean;
}

export type ListFilter = 'active' | 'archived' | 'all';

export interface Started {
  streamId: string;
  event: string;
  conversationId: string;
  userMessageId: string;
  assistantMessageId: string;
}

export type StreamEventType = 'delta' | 'done' | 'error' | 'stopped';

export interface StreamEvent {
  streamId: string;
  seq: number;
  type: StreamEventType;
  conversationId?: string;
  messageId?: string;
  delta?: string;
  reasoningDelta?: string;
  finishReason?: string;
  usage?: Usage;
  timing?: Timing;
  error?: ErrorInfo;
}

export interface Snapshot {
  streamId: string;
  conversationId: string;
  messageId: string;
  seq: number;
  content: string;
  reasoning: string;
  status: string;
  error?: ErrorInfo;
}

export interface KeyStatus {
  set: boolean;
  source: string;
  envVar?: string;
  hint?: string;
  sessionOnly: boolean;
  reason?: string;
}

export interface Provider {
  id: string;
  name: string;
  preset: string;
  base_url: string;
  auth: string;
  headers?: Record<string, string>;
  extra_body?: Record<string, unknown>;
  models?: string[];
  models_fetched_at?: string;
  default_model?: string;
  supports_max_loops?: boolean;
  [extra: string]: unknown;
}

export interface Defaults {
  provider_id: string;
  model?: string;
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  max_loops?: number;
  system_prompt?: string;
  history_limit: number;
  stream: boolean;
  [extra: string]: unknown;
}

export interface Appearance {
  theme: string;
  font_size: number;
  [extra: string]: unknown;
}

export interface Settings {
  version: number;
  providers: Provider[];
  defaults: Defaults;
  appearance: Appearance;
  [extra: string]: unknown;
}

export interface LoadReport {
  missing: boolean;
  corruptPath?: string;
  corruptReason?: string;
  migratedFrom: number;
  backupPath?: string;
  newerVersion: boolean;
  problems?: FieldError[];
  notes?: string[];
}

export interface PresetInfo {
  preset: string;
  id: string;
  name: string;
  base_url: string;
  auth: string;
  supports_max_loops: boolean;
}

export interface SettingsView {
  settings: Settings;
  report: LoadReport;
  presets: PresetInfo[];
  keys: Record<string, KeyStatus>;
}

export interface ExportResult {
  saved: boolean;
  where: string;
  count: number;
}

export interface Credits {
  credit: number;
  free_credit: number;
  referral_credits: number;
  total_credits: number;
}

export interface RateWindow {
  count: number;
  limit: number;
  exceeded: boolean;
  remaining: number;
  reset_time: string;
}

export interface RateLimits {
  Minute: RateWindow;
  Hour: RateWindow;
  Day: RateWindow;
  Tier: string;
}

export interface ImportResult {
  chosen: boolean;
  result: {
    Kind: string;
    Imported: Array<{
      ID: string;
      Title: string;
      Source: string;
      Messages: number;
      Notes: string[] | null;
      /** It replaced an older import of itself. */
      Replaced: boolean;
    }> | null;
    Skipped: Array<{ Source: string; Index: number; Title: string; Reason: string }> | null;
    /** Skipped items beyond the listed ones, counted only. */
    MoreSkipped: number;
    Ignored: number;
    /** Conversations that were here already (same source id). */
    AlreadyImported: number;
    /** Files handed to the attachment store. */
    Attachments: number;
    /** Notes on the file as a whole (its encoding, …). */
    Notes: string[] | null;
  };
}

// ---- errors ----------------------------------------------------------------

function isUIError(v: unknown): v is UIError {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as UIError).kind === 'string' &&
    typeof (v as UIError).message === 'string'
  );
}

/**
 * Turns whatever a binding rejected with into a UIError: the JSON text Go
 * sends is parsed; anything else becomes {kind: 'error', message}.
 */
export function toUIError(e: unknown): UIError {
  if (isUIError(e)) {
    return e;
  }
  let text: string;
  if (typeof e === 'string') {
    text = e;
  } else if (e instanceof Error) {
    text = e.message;
  } else {
    text = String(e);
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const v: unknown = JSON.parse(trimmed);
      if (isUIError(v)) {
        return v;
      }
    } catch {
      // not JSON: fall through to the plain message
    }
  }
  return { kind: 'error', message: trimmed || 'Something went wrong.' };
}

// ---- presence of the shell -------------------------------------------------

interface GoWindow {
  go?: { main?: { App?: unknown } };
  runtime?: { EventsOnMultiple?: unknown };
}

/** True when a Go shell (desktop or web) has installed the bindings. */
export function hasBackend(): boolean {
  const w = window as unknown as GoWindow;
  return w.go?.main?.App !== undefined;
}

function hasRuntime(): boolean {
  const w = window as unknown as GoWindow;
  return typeof w.runtime?.EventsOnMultiple === 'function';
}

const noBackend: UIError = { kind: 'unavailable', message: 'Murmur is not running inside its app window.' };

async function call<T>(fn: () => Promise<unknown>): Promise<T> {
  if (!hasBackend()) {
    throw noBackend;
  }
  try {
    return (await fn()) as T;
  } catch (e) {
    throw toUIError(e);
  }
}

/** Subscribes to an event; returns the unsubscribe function (a no-op outside a shell). */
export function onEvent<T>(name: string, fn: (payload: T) => void): () => void {
  if (!hasRuntime()) {
    return () => {};
  }
  return EventsOn(name, (payload: T) => fn(payload));
}

/** Copies text to the clipboard through the shell, or the browser API outside one. */
export async function copyText(text: string): Promise<boolean> {
  const w = window as unknown as { runtime?: { ClipboardSetText?: unknown } };
  if (typeof w.runtime?.ClipboardSetText === 'function') {
    return ClipboardSetText(text);
  }
  if (navigator.clipboard) {
    await navigator.clipboard.writeText(text);
    return true;
  }
  return false;
}

export const ConversationsChanged = 'chat:conversations-changed';

// ---- facade ------------------------------------------------------------------

/** Name and version of the running app, or null outside a shell. */
export async function appInfo(): Promise<AppInfo | null> {
  if (!hasBackend()) {
    return null;
  }
  return call<AppInfo>(() => App.Info());
}

export const api = {
  listConversations: (filter: ListFilter, offset: number, limit: number) =>
    call<Page<Summary>>(() => App.ListConversations(filter, offset, limit)),
  searchConversations: (query: string, filter: ListFilter, offset: number, limit: number) =>
    call<Page<Hit>>(() => App.SearchConversations(query, filter, offset, limit)),
  getConversation: (id: string) => call<ConversationView>(() => App.GetConversation(id)),
  newConversation: () => call<ConversationView>(() => App.NewConversation()),
  renameConversation: (id: string, title: string) => call<void>(() => App.RenameConversation(id, title)),
  deleteConversation: (id: string) => call<void>(() => App.DeleteConversation(id)),
  pinConversation: (id: string, pinned: boolean) => call<void>(() => App.PinConversation(id, pinned)),
  archiveConversation: (id: string, archived: boolean) => call<void>(() => App.ArchiveConversation(id, archived)),

  send: (conversationId: string, text: string) => call<Started>(() => App.Send(conversationId, text)),
  stop: (streamId: string) => call<void>(() => App.Stop(streamId)),
  regenerate: (conversationId: string, messageId: string) =>
    call<Started>(() => App.Regenerate(conversationId, messageId)),
  edit: (conversationId: string, messageId: string, text: string) =>
    call<Started>(() => App.Edit(conversationId, messageId, text)),
  continueReply: (conversationId: string, messageId: string) =>
    call<Started>(() => App.Continue(conversationId, messageId)),
  switchAlternative: (conversationId: string, messageId: string) =>
    call<ConversationView>(() => App.SwitchAlternative(conversationId, messageId)),
  streamSnapshot: (streamId: string) => call<Snapshot>(() => App.StreamSnapshot(streamId)),

  getSettings: () => call<SettingsView>(() => App.GetSettings()),
  saveSettings: (s: Settings) =>
    call<FieldError[] | null>(() => App.SaveSettings(s as unknown as Parameters<typeof App.SaveSettings>[0])),
  setKey: (providerId: string, key: string) => call<KeyStatus>(() => App.SetKey(providerId, key)),
  deleteKey: (providerId: string) => call<KeyStatus>(() => App.DeleteKey(providerId)),
  keyStatus: (providerId: string) => call<KeyStatus>(() => App.KeyStatus(providerId)),
  listModels: (providerId: string) => call<string[]>(() => App.ListModels(providerId)),
  credits: (providerId: string) => call<Credits>(() => App.Credits(providerId)),
  rateLimits: (providerId: string) => call<RateLimits>(() => App.RateLimits(providerId)),

  exportConversation: (id: string, format: string, allBranches: boolean) =>
    call<ExportResult>(() => App.ExportConversation(id, format, allBranches)),
  exportAll: (format: string) => call<ExportResult>(() => App.ExportAll(format)),
  importFile: () => call<ImportResult>(() => App.Import()),
  openLink: (url: string) => call<boolean>(() => App.OpenLink(url)),
};
