// The one door from the UI to Go. Every call goes through the generated Wails
// bindings (desktop) or the same-named shim the web shell installs; nothing
// here talks to the network.
import { Info as boundInfo } from '../../wailsjs/go/main/App';
import type { main } from '../../wailsjs/go/models';

export type AppInfo = main.AppInfo;

/** True when a Go shell (desktop or web) has installed the bindings. */
export function hasBackend(): boolean {
  const w = window as unknown as { go?: { main?: { App?: unknown } } };
  return w.go?.main?.App !== undefined;
}

/** Name and version of the running app, or null outside a shell. */
export async function appInfo(): Promise<AppInfo | null> {
  if (!hasBackend()) {
    return null;
  }
  return boundInfo();
}
