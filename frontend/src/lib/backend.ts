// The one door from the UI to Go. Every call goes through the generated Wails
// bindings (desktop) or the same-named shim the web shell installs; nothing
// here talks to the network. Errors from Go arrive as the JSON text of a
// UIError; every wrapper rejects with the parsed UIError object.
import * as App from '../../wailsjs/go/main/App';
import type { view } from '../../wailsjs/go/models';
import type { UIError } from './wire.gen';
import { ErrorKind } from './kinds';
import { ClipboardSetText, EventsOn } from '../../wailsjs/runtime/runtime';

// ---- types: the generated view classes (models.ts) and wire.gen.ts ---------

/**
 * The JSON shape of a generated class: its data members (nested ones too)
 * without its methods. The bindings resolve with plain objects, not instances.
 */
export type Plain<T> = T extends (infer U)[]
  ? Plain<U>[]
  : T extends object
    ? { [K in keyof T as T[K] extends (...a: never[]) => unknown ? never : K]: Plain<T[K]> }
    : T;

export type AppInfo = Plain<view.AppInfo>;
export type FieldError = Plain<view.FieldError>;
export type ErrorInfo = Plain<view.ErrorInfo>;
export type Usage = Plain<view.Usage>;
export type Timing = Plain<view.Timing>;
export type MessageView = Plain<view.Message>;
export type Params = Plain<view.Params>;
export type ConversationView = Plain<view.Conversation>;
export type ConversationOptions = Plain<view.ConversationOptions>;
export type Summary = Plain<view.Summary>;
export type Segment = Plain<view.Segment>;
export type Hit = Plain<view.Hit>;
export type Started = Plain<view.Started>;
export type Snapshot = Plain<view.Snapshot>;
export type KeyStatus = Plain<view.KeyStatus>;
export type Provider = Plain<view.Provider>;
export type Defaults = Plain<view.Defaults>;
export type Appearance = Plain<view.Appearance>;
export type Settings = Plain<view.Settings>;
export type LoadReport = Plain<view.LoadReport>;
export type Preset = Plain<view.Preset>;
export type SettingsView = Plain<view.SettingsView>;
export type ExportResult = Plain<view.ExportResult>;
export type Credits = Plain<view.Credits>;
export type RateWindow = Plain<view.RateWindow>;
export type RateLimits = Plain<view.RateLimits>;
export type ImportResult = Plain<view.ImportResult>;
export type Attachment = Plain<view.Attachment>;
export type AttachmentData = Plain<view.AttachmentData>;
export type { StreamEvent, UIError } from './wire.gen';
export { ErrorKind } from './kinds';

export type MessageStatus = 'complete' | 'streaming' | 'stopped' | 'interrupted' | 'error';
export type StreamEventType = 'delta' | 'done' | 'error' | 'stopped';

export interface Page<T> {
  items: T[];
  total: number;
  more: boolean;
}

export type ListFilter = 'active' | 'archived' | 'all';

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
  return { kind: ErrorKind.Error, message: trimmed || 'Something went wrong.' };
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

const noBackend: UIError = { kind: ErrorKind.Unavailable, message: 'Murmur is not running inside its app window.' };

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

export { AttachmentsDroppedEvent, ConversationsChangedEvent, ElsewhereEvent } from './wire.gen';
export type { AttachmentsDropped } from './wire.gen';

/** Quits the app: the desktop window closes; the web shell has nothing to quit. */
export function quit(): boolean {
  const w = window as unknown as { runtime?: { Quit?: () => void } };
  if (typeof w.runtime?.Quit === 'function') {
    w.runtime.Quit();
    return true;
  }
  return false;
}

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
    call<Plain<view.ConversationPage>>(() => App.ListConversations(filter, offset, limit)),
  searchConversations: (query: string, filter: ListFilter, offset: number, limit: number) =>
    call<Plain<view.SearchPage>>(() => App.SearchConversations(query, filter, offset, limit)),
  setConversationOptions: (id: string, o: ConversationOptions) =>
    call<ConversationView>(() => App.SetConversationOptions(id, o as view.ConversationOptions)),
  getConversation: (id: string) => call<ConversationView>(() => App.GetConversation(id)),
  newConversation: () => call<ConversationView>(() => App.NewConversation()),
  renameConversation: (id: string, title: string) => call<void>(() => App.RenameConversation(id, title)),
  deleteConversation: (id: string) => call<void>(() => App.DeleteConversation(id)),
  pinConversation: (id: string, pinned: boolean) => call<void>(() => App.PinConversation(id, pinned)),
  archiveConversation: (id: string, archived: boolean) => call<void>(() => App.ArchiveConversation(id, archived)),

  send: (conversationId: string, text: string, attachments: Attachment[] = []) =>
    call<Started>(() => App.Send(conversationId, text, attachments as view.Attachment[])),
  stop: (streamId: string) => call<void>(() => App.Stop(streamId)),
  regenerate: (conversationId: string, messageId: string) =>
    call<Started>(() => App.Regenerate(conversationId, messageId)),
  edit: (conversationId: string, messageId: string, text: string, attachments: Attachment[] = []) =>
    call<Started>(() => App.Edit(conversationId, messageId, text, attachments as view.Attachment[])),
  attachFiles: () => call<Attachment[]>(() => App.AttachFiles()),
  addAttachment: (name: string, dataBase64: string) => call<Attachment>(() => App.AddAttachment(name, dataBase64)),
  attachmentData: (id: string) => call<AttachmentData>(() => App.AttachmentData(id)),
  checkProvider: (p: Provider, key: string) => call<string[]>(() => App.CheckProvider(p as view.Provider, key)),
  continueReply: (conversationId: string, messageId: string) =>
    call<Started>(() => App.Continue(conversationId, messageId)),
  switchAlternative: (conversationId: string, messageId: string) =>
    call<ConversationView>(() => App.SwitchAlternative(conversationId, messageId)),
  streamSnapshot: (streamId: string) => call<Snapshot>(() => App.StreamSnapshot(streamId)),

  getSettings: () => call<SettingsView>(() => App.GetSettings()),
  saveSettings: (s: Settings) => call<FieldError[] | null>(() => App.SaveSettings(s as view.Settings)),
  setKey: (providerId: string, key: string) => call<KeyStatus>(() => App.SetKey(providerId, key)),
  deleteKey: (providerId: string) => call<KeyStatus>(() => App.DeleteKey(providerId)),
  rememberKeys: (remember: boolean) => call<SettingsView>(() => App.RememberKeys(remember)),
  keyStatus: (providerId: string) => call<KeyStatus>(() => App.KeyStatus(providerId)),
  listModels: (providerId: string) => call<string[]>(() => App.ListModels(providerId)),
  credits: (providerId: string) => call<Credits>(() => App.Credits(providerId)),
  rateLimits: (providerId: string) => call<RateLimits>(() => App.RateLimits(providerId)),

  exportConversation: (id: string, format: string, allBranches: boolean) =>
    call<ExportResult>(() => App.ExportConversation(id, format, allBranches)),
  exportAll: (format: string) => call<ExportResult>(() => App.ExportAll(format)),
  importFile: (replaceNewer = false) => call<ImportResult>(() => App.Import(replaceNewer)),
  openLink: (url: string) => call<boolean>(() => App.OpenLink(url)),
};
