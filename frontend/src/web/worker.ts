// The worker that runs the Go core (a classic worker: wasm_exec.js comes
// from the Go toolchain that built the module and is loaded with
// importScripts). It relays the page's calls to globalThis.murmurCore,
// which Go installs, and the core's events and questions to the page.
import type { FromWorker, ToWorker } from './protocol';

interface GoCore {
  open(config: string): Promise<string>;
  call(handle: string, method: string, args: string): Promise<string>;
  close(handle: string): Promise<void>;
}

interface GoRuntime {
  importObject: WebAssembly.Imports;
  run(instance: WebAssembly.Instance): Promise<void>;
}

interface WorkerScope {
  postMessage(m: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  importScripts(...urls: string[]): void;
  Go?: new () => GoRuntime;
  murmurCore?: GoCore;
  murmurHost?: unknown;
}

const scope = self as unknown as WorkerScope;
const post = (m: FromWorker, transfer: Transferable[] = []) => scope.postMessage(m, transfer);

let nextAsk = 0;
const asks = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
let ready: Promise<GoCore> | null = null;
let markReady: (c: GoCore) => void = () => {};

scope.murmurHost = {
  ready() {
    if (scope.murmurCore) {
      markReady(scope.murmurCore);
    }
    post({ t: 'ready' });
  },
  emit(handle: string, name: string, json: string) {
    post({ t: 'event', handle, name, json });
  },
  ask(handle: string, kind: string, payload: Record<string, unknown>) {
    return new Promise((resolve, reject) => {
      const id = ++nextAsk;
      asks.set(id, { resolve, reject });
      const data = payload.data;
      const transfer = data instanceof Uint8Array ? [data.buffer] : [];
      post({ t: 'ask', id, handle, kind, payload } as FromWorker, transfer);
    });
  },
};

function text(e: unknown): string {
  if (typeof e === 'string') return e;
  if (e instanceof Error) return e.message;
  return String(e);
}

async function start(wasmExec: string, wasm: string): Promise<void> {
  ready = new Promise<GoCore>((resolve) => (markReady = resolve));
  try {
    scope.importScripts(wasmExec);
    if (!scope.Go) {
      throw new Error('wasm_exec.js did not define Go');
    }
    const go = new scope.Go();
    const response = fetch(wasm, { credentials: 'same-origin' });
    let module: WebAssembly.WebAssemblyInstantiatedSource;
    try {
      module = await WebAssembly.instantiateStreaming(response, go.importObject);
    } catch (e) {
      // A server that labels the module wrongly: compile it from bytes.
      const r = await fetch(wasm, { credentials: 'same-origin' });
      if (!r.ok) {
        throw new Error(`${wasm} answered ${r.status}`, { cause: e });
      }
      module = await WebAssembly.instantiate(await r.arrayBuffer(), go.importObject);
    }
    void go.run(module.instance).then(() => post({ t: 'failed', error: 'Murmur stopped. Reload the page to start it again.' }));
  } catch (e) {
    post({ t: 'failed', error: `Murmur could not start in this browser: ${text(e)}` });
  }
}

scope.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  switch (m.t) {
    case 'init':
      void start(m.wasmExec, m.wasm);
      return;
    case 'answer': {
      const a = asks.get(m.id);
      asks.delete(m.id);
      if (m.ok) a?.resolve(m.value);
      else a?.reject(new Error(m.error));
      return;
    }
  }
  if (!ready) {
    return;
  }
  void ready.then((core) => {
    const settle = (p: Promise<unknown>) =>
      p.then(
        (value) => post({ t: 'settled', id: m.id, ok: true, value: (value as string | undefined) ?? null }),
        (error: unknown) => post({ t: 'settled', id: m.id, ok: false, error: text(error) }),
      );
    switch (m.t) {
      case 'open':
        void settle(core.open(JSON.stringify(m.config)));
        break;
      case 'call':
        void settle(core.call(m.handle, m.method, m.args));
        break;
      case 'close':
        void settle(core.close(m.handle));
        break;
    }
  });
};
