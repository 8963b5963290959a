// What the web app does around the UI: start the core, and cover the UI
// when this tab cannot use Murmur (another tab has it, or it cannot start).
import { mount } from 'svelte';
import { ElsewhereEvent, ErrorKind, toUIError, type UIError } from '../lib/backend';
import type { Elsewhere } from '../lib/wire.gen';
import Blocked from './Blocked.svelte';
import { bootWeb, takeOver } from './boot';
import workerPath from './worker.ts?worker&url';

export function startWeb(): void {
  const { instance } = bootWeb(new URL(workerPath, import.meta.url));
  let shown = false;
  const block = (title: string, message: string, action?: string, onaction?: () => void) => {
    if (shown) return;
    shown = true;
    mount(Blocked, { target: document.body, props: { title, message, action, onaction } });
  };
  instance.then(
    (i) =>
      i.on<Elsewhere>(ElsewhereEvent, (e) =>
        block('Murmur is open in another tab', e.message, 'Use Murmur in this tab', takeOver),
      ),
    (e: unknown) => {
      const err: UIError = toUIError(e);
      if (err.kind === ErrorKind.Elsewhere) {
        block(
          'Murmur is open in another tab',
          'Your conversations are open in another tab of this browser, and only one tab can save them. Close that tab, or use Murmur here: the other tab then stops saving.',
          'Use Murmur in this tab',
          takeOver,
        );
      } else {
        block('Murmur could not start', err.message, 'Reload', () => location.reload());
      }
    },
  );
}
