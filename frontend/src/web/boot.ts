// The web app's start: the Go core in a worker, opened once for the whole
// page, behind the same `window.go.main.App` and `window.runtime` the
// desktop's Wails bindings install, so the rest of the frontend does not
// know which shell it runs in.
import { answer } from './asks';
import { Core, type Instance } from './core';
import type { CoreConfig } from './protocol';

/** The Go core's files, which `make web` puts under murmur/ (the widget loads the same ones). */
const files = { wasm: 'murmur/murmur.wasm', wasmExec: 'murmur/wasm_exec.js' };

/** sessionStorage flag: the user chose to use Murmur in this tab instead of another. */
const stealFlag = 'murmur:take-over';

type Listener = (...data: unknown[]) => void;

export interface WebBoot {
  core: Core;
  instance: Promise<Instance>;
}

/** Starts the core and installs the bindings; returns at once. */
export function bootWeb(workerURL: URL): WebBoot {
  const base = new URL('.', document.baseURI);
  const core = new Core({ worker: workerURL, wasm: new URL(files.wasm, base), wasmExec: new URL(files.wasmExec, base) });
  const steal = sessionStorage.getItem(stealFlag) === '1';
  sessionStorage.removeItem(stealFlag);
  const instance = describeServer(base).then((server) => {
    const config: CoreConfig = { name: 'app', storage: 'indexeddb', shell: 'web', steal, ...server };
    return core.open(config, answer);
  });
  instance.catch(() => {}); // every call reports it

  const call =
    (method: string) =>
    async (...args: unknown[]): Promise<unknown> =>
      (await instance).call(method, ...args);
  const App = new Proxy({} as Record<string, (...a: unknown[]) => Promise<unknown>>, {
    get: (_t, name) => (typeof name === 'string' ? call(name) : undefined),
  });

  const w = window as unknown as Record<string, unknown>;
  w.go = { main: { App } };
  w.runtime = {
    EventsOnMultiple(name: string, fn: Listener, max: number): () => void {
      let off: (() => void) | null = null;
      let left = max;
      let cancelled = false;
      void instance.then(
        (i) => {
          if (cancelled) return;
          off = i.on(name, (payload) => {
            if (left === 0) return;
            if (left > 0 && --left === 0) off?.();
            fn(payload);
          });
        },
        () => {},
      );
      return () => {
        cancelled = true;
        off?.();
      };
    },
    EventsOff() {},
    EventsOffAll() {},
    async ClipboardSetText(text: string): Promise<boolean> {
      await navigator.clipboard.writeText(text);
      return true;
    },
  };

  // Ask the browser to keep this site's data when the disk runs low; the
  // answer is shown in Settings. Only a page may ask (not the worker).
  void navigator.storage?.persist?.().catch(() => false);
  return { core, instance };
}

/**
 * What the `murmur serve` that served the page says about itself: its API
 * (which adds the key) and models. Nothing when the page came from
 * elsewhere.
 */
async function describeServer(base: URL): Promise<Pick<CoreConfig, 'server' | 'serverModels'>> {
  try {
    const r = await fetch(new URL('murmur/server.json', base), { cache: 'no-store', signal: AbortSignal.timeout(2000) });
    if (!r.ok) return {};
    const d = (await r.json()) as { api?: unknown; models?: unknown };
    if (typeof d.api !== 'string') return {};
    const models = Array.isArray(d.models) ? d.models.filter((m): m is string => typeof m === 'string') : [];
    // Relative to server.json (murmur/v1 beside it), so that a server
    // mounted under a path (https://example.org/chat/) is reached there.
    return { server: new URL(d.api, r.url).href, serverModels: models };
  } catch {
    return {};
  }
}

/** Reloads the page as the tab that holds Murmur's storage. */
export function takeOver(): void {
  sessionStorage.setItem(stealFlag, '1');
  location.reload();
}
