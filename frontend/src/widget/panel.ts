// The chat of a <murmur-chat>, loaded when the widget is first opened or
// seen: the Svelte panel in the widget's shadow root, and the Go core,
// started once per page and shared by every widget on it (each has its own
// instance, storage and conversations).
import { mount, unmount } from 'svelte';
import { answer } from '../web/asks';
import { Core } from '../web/core';
import workerPath from '../web/worker.ts?worker&url';
import type { WidgetConfig } from './config';
import WidgetChat from './WidgetChat.svelte';
import { ChatModel } from './chat.svelte';
import { adoptStyles } from './styles';

let shared: Core | null = null;

/** The page's one core, started from the folder widget.js came from. */
function core(base: URL): Core {
  shared ??= new Core({
    worker: new URL(workerPath, import.meta.url),
    wasm: new URL('widget.wasm', base),
    wasmExec: new URL('wasm_exec.js', base),
  });
  return shared;
}

export interface Panel {
  configure(cfg: WidgetConfig, refused: string): void;
  send(text: string): Promise<void>;
  clear(): Promise<void>;
  focus(): void;
  destroy(): void;
}

export async function mountPanel(
  host: HTMLElement,
  frame: HTMLElement,
  base: URL,
  cfg: WidgetConfig,
  refused: string,
  onclose?: () => void,
): Promise<Panel> {
  const model = new ChatModel(core(base), answer, (name, detail) =>
    host.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true })),
  );
  frame.replaceChildren();
  adoptStyles(frame);
  const view = mount(WidgetChat, { target: frame, props: { model, onclose } });
  model.configure(cfg, refused);
  return {
    configure: (c, r) => model.configure(c, r),
    send: (text) => model.send(text),
    clear: () => model.clear(),
    focus: () => model.focusComposer(),
    destroy: () => {
      model.dispose();
      void unmount(view);
    },
  };
}
