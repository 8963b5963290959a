// The page's side of the Go core: starts the worker that runs it, opens
// instances (the web app has one; each widget on a page has its own,
// sharing one worker), and relays calls, events and the core's questions.
import type { Ask, CoreConfig, FromWorker, PickedFile, ToWorker } from './protocol';

/** Answers the core's questions for one instance. */
export type Asker = (ask: Ask) => Promise<unknown>;

export interface CoreURLs {
  worker: URL;
  wasm: URL;
  wasmExec: URL;
}

type Listener = (payload: unknown) => void;

/** A request to the worker, before it gets its id. */
type Request =
  | { t: 'open'; config: CoreConfig }
  | { t: 'call'; handle: string; method: string; args: string }
  | { t: 'close'; handle: string };

/** The JSON text of a UIError, as Go rejects with (backend.ts reads it). */
function uiErrorText(kind: string, message: string): string {
  return JSON.stringify({ kind, message });
}

/**
 * Starts a worker from url. A worker must come from the page's origin; a
 * widget's scripts may not, so a cross-origin script is loaded by a small
 * same-origin (blob:) worker that imports it.
 */
function startWorker(url: URL): Worker {
  if (url.origin === location.origin) {
    return new Worker(url, { name: 'murmur' });
  }
  const src = `importScripts(${JSON.stringify(url.href)});`;
  const blob = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
  try {
    return new Worker(blob, { name: 'murmur' });
  } finally {
    URL.revokeObjectURL(blob);
  }
}

export class Core {
  private readonly worker: Worker;
  private nextID = 0;
  private readonly pending = new Map<number, { resolve: (v: string | null) => void; reject: (e: string) => void }>();
  private readonly listeners = new Map<string, Map<string, Set<Listener>>>();
  private readonly askers = new Map<string, Asker>();
  private failure: string | null = null;
  /** Settles when the core can be called; rejects with the JSON text of a UIError. */
  readonly ready: Promise<void>;
  /** Called once if the core stops or never starts. */
  onfailure: (message: string) => void = () => {};

  constructor(urls: CoreURLs) {
    let resolveReady: () => void = () => {};
    let rejectReady: (e: string) => void = () => {};
    this.ready = new Promise<void>((res, rej) => {
      resolveReady = res;
      rejectReady = rej;
    });
    this.ready.catch(() => {}); // callers see it through their calls
    try {
      this.worker = startWorker(urls.worker);
    } catch (e) {
      this.worker = null as unknown as Worker;
      this.fail(`Murmur could not start a worker in this page: ${e instanceof Error ? e.message : String(e)}`);
      rejectReady(this.failure!);
      return;
    }
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => this.receive(e.data, resolveReady, rejectReady);
    this.worker.onerror = (e: ErrorEvent) => {
      this.fail(`Murmur could not start in this browser: ${e.message || 'its worker script failed to load'}`);
      rejectReady(this.failure!);
    };
    this.post({ t: 'init', wasmExec: urls.wasmExec.href, wasm: urls.wasm.href });
  }

  private post(m: ToWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(m, transfer);
  }

  private fail(message: string): void {
    if (this.failure) return;
    this.failure = uiErrorText('unavailable', message);
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
    this.onfailure(message);
  }

  private receive(m: FromWorker, resolveReady: () => void, rejectReady: (e: string) => void): void {
    switch (m.t) {
      case 'ready':
        resolveReady();
        return;
      case 'failed':
        this.fail(m.error);
        rejectReady(this.failure!);
        return;
      case 'settled': {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.ok) p?.resolve(m.value);
        else p?.reject(m.error);
        return;
      }
      case 'event': {
        const fns = this.listeners.get(m.handle)?.get(m.name);
        if (!fns?.size) return;
        let payload: unknown;
        try {
          payload = JSON.parse(m.json);
        } catch {
          return;
        }
        for (const fn of [...fns]) fn(payload);
        return;
      }
      case 'ask': {
        const asker = this.askers.get(m.handle);
        const answer = asker ? asker({ kind: m.kind, payload: m.payload } as Ask) : Promise.reject(new Error('closed'));
        answer.then(
          (value) => {
            const transfer = pickedTransfer(value);
            this.post({ t: 'answer', id: m.id, ok: true, value }, transfer);
          },
          (e: unknown) => this.post({ t: 'answer', id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) }),
        );
        return;
      }
    }
  }

  private request(m: Request): Promise<string | null> {
    if (this.failure) return Promise.reject(this.failure);
    const id = ++this.nextID;
    return new Promise<string | null>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ ...m, id } as ToWorker);
    });
  }

  /** Opens an instance; rejects with the JSON text of a UIError. */
  async open(config: CoreConfig, asker: Asker): Promise<Instance> {
    await this.ready;
    const handle = await this.request({ t: 'open', config });
    if (!handle) throw uiErrorText('error', 'Murmur did not open.');
    this.askers.set(handle, asker);
    return new Instance(this, handle);
  }

  /** @internal */
  call(handle: string, method: string, args: unknown[]): Promise<string | null> {
    return this.request({ t: 'call', handle, method, args: JSON.stringify(args) });
  }

  /** @internal */
  on(handle: string, name: string, fn: Listener): () => void {
    let byName = this.listeners.get(handle);
    if (!byName) this.listeners.set(handle, (byName = new Map()));
    let fns = byName.get(name);
    if (!fns) byName.set(name, (fns = new Set()));
    fns.add(fn);
    return () => fns.delete(fn);
  }

  /** @internal */
  async closeInstance(handle: string): Promise<void> {
    await this.request({ t: 'close', handle });
    this.askers.delete(handle);
    this.listeners.delete(handle);
  }
}

function pickedTransfer(value: unknown): Transferable[] {
  if (!Array.isArray(value)) return [];
  return (value as PickedFile[]).filter((f) => f?.data instanceof Uint8Array).map((f) => f.data.buffer);
}

/** One open instance of the core. */
export class Instance {
  constructor(
    private readonly core: Core,
    readonly handle: string,
  ) {}

  /** Calls a facade method; resolves with its parsed result. */
  async call<T>(method: string, ...args: unknown[]): Promise<T> {
    const json = await this.core.call(this.handle, method, args);
    return (json === null ? undefined : JSON.parse(json)) as T;
  }

  on<T>(name: string, fn: (payload: T) => void): () => void {
    return this.core.on(this.handle, name, fn as Listener);
  }

  close(): Promise<void> {
    return this.core.closeInstance(this.handle);
  }
}
