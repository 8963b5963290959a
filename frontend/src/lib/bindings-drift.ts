// Compile-time guard: the view types in backend.ts are written by hand (with
// literal unions and optional fields the generator cannot express), so
// svelte-check compares their field names with the classes Wails generates
// from the Go structs. A field added, renamed or removed in Go and not here
// (or the other way round) fails `npm run check`. Nothing here runs.
import type { chat, conversation, llm, main, secrets, settings, store, transfer } from '../../wailsjs/go/models';
import type * as B from './backend';

/** The data members of a generated class (its methods left out). */
type Data<T> = { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: T[K] };
/** The declared names of a hand-written interface (index signatures left out). */
type Named<T> = keyof { [K in keyof T as string extends K ? never : K]: T[K] };
type SameNames<Hand, Gen> = [Exclude<Named<Hand>, keyof Data<Gen>>, Exclude<keyof Data<Gen>, Named<Hand>>] extends [
  never,
  never,
]
  ? true
  : { onlyInBackendTs: Exclude<Named<Hand>, keyof Data<Gen>>; onlyInGo: Exclude<keyof Data<Gen>, Named<Hand>> };

export type Checks = [
  SameNames<B.AppInfo, main.AppInfo>,
  SameNames<B.MessageView, main.MessageView>,
  SameNames<B.ConversationView, main.ConversationView>,
  SameNames<B.ExportResult, main.ExportResult>,
  SameNames<B.ImportResult, main.ImportResult>,
  SameNames<B.SettingsView, main.SettingsView>,
  SameNames<B.Started, chat.Started>,
  SameNames<B.Snapshot, chat.Snapshot>,
  SameNames<B.ErrorInfo, conversation.ErrorInfo>,
  SameNames<B.Params, conversation.Params>,
  SameNames<B.Usage, conversation.Usage>,
  SameNames<B.Timing, conversation.Timing>,
  SameNames<B.Credits, llm.Credits>,
  SameNames<B.RateWindow, llm.RateWindow>,
  SameNames<B.RateLimits, llm.RateLimits>,
  SameNames<B.KeyStatus, secrets.Status>,
  SameNames<B.FieldError, settings.FieldError>,
  SameNames<B.LoadReport, settings.LoadReport>,
  SameNames<B.PresetInfo, settings.PresetInfo>,
  SameNames<B.Provider, settings.Provider>,
  SameNames<B.Defaults, settings.Defaults>,
  SameNames<B.Appearance, settings.Appearance>,
  SameNames<B.Settings, settings.Settings>,
  SameNames<B.Summary, store.Summary>,
  SameNames<B.Segment, store.Segment>,
  SameNames<B.Hit, store.Hit>,
  SameNames<B.ImportResult['result'], transfer.Result>,
];

/** Every check must be `true`; a mismatch names the fields on each side. */
export const bindingsMatch: Checks = [
  true, true, true, true, true, true, true, true, true, true, true, true, true,
  true, true, true, true, true, true, true, true, true, true, true, true, true, true,
];
