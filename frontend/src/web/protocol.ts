// The messages between the page and the worker that runs the Go core.
// Values are structured-cloned; file bytes travel as transferred buffers.

/** What the page asks an instance of the core to be (internal/browser.Config). */
export interface CoreConfig {
  /** Namespaces the storage: "app" for the web app, a widget's id. */
  name: string;
  storage: 'indexeddb' | 'memory';
  /** Take the storage over from another tab that has it open. */
  steal?: boolean;
  shell: 'web' | 'widget';
  /** The one provider a widget talks to (no key: `murmur serve`). */
  endpoint?: string;
  model?: string;
  systemPrompt?: string;
  /** The API of the `murmur serve` that served the web app (first-run settings use it). */
  server?: string;
  serverModels?: string[];
}

/** A question the core asks the page (the worker can open no picker). */
export type Ask =
  | { kind: 'download'; payload: { name: string; mime: string; data: Uint8Array } }
  | { kind: 'pick'; payload: { purpose: 'import' | 'attach'; accept: string; multiple: boolean } }
  | { kind: 'confirm'; payload: { title: string; message: string } }
  | { kind: 'open-url'; payload: { url: string } };

export interface PickedFile {
  name: string;
  data: Uint8Array;
}

export type ToWorker =
  | { t: 'init'; wasmExec: string; wasm: string }
  | { t: 'open'; id: number; config: CoreConfig }
  | { t: 'call'; id: number; handle: string; method: string; args: string }
  | { t: 'close'; id: number; handle: string }
  | { t: 'answer'; id: number; ok: true; value: unknown }
  | { t: 'answer'; id: number; ok: false; error: string };

export type FromWorker =
  | { t: 'ready' }
  | { t: 'failed'; error: string }
  | { t: 'settled'; id: number; ok: true; value: string | null }
  | { t: 'settled'; id: number; ok: false; error: string }
  | { t: 'event'; handle: string; name: string; json: string }
  | ({ t: 'ask'; id: number; handle: string } & Ask);
