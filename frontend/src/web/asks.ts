// The page's answers to the core's questions: a download for an export,
// the file picker for an import or an attachment, a confirmation, a link
// in a new tab.
import type { Ask, PickedFile } from './protocol';

/** Largest file the picker hands to the core (imports may be big zips). */
const maxPickBytes = 512 * 1024 * 1024;

export function download(name: string, mime: string, data: Uint8Array): void {
  const url = URL.createObjectURL(new Blob([data as BlobPart], { type: mime || 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own reference to the blob once started.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Opens the file picker; resolves with none when the user cancels. */
export function pick(accept: string, multiple: boolean): Promise<PickedFile[]> {
  return new Promise<PickedFile[]>((resolve, reject) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = accept;
    input.multiple = multiple;
    input.style.display = 'none';
    document.body.append(input);
    const done = () => input.remove();
    input.addEventListener('cancel', () => {
      done();
      resolve([]);
    });
    input.addEventListener('change', () => {
      const files = [...(input.files ?? [])];
      done();
      const big = files.find((f) => f.size > maxPickBytes);
      if (big) {
        reject(new Error(`${big.name} is larger than the ${maxPickBytes >> 20} MiB Murmur can read in a browser`));
        return;
      }
      Promise.all(files.map(async (f) => ({ name: f.name, data: new Uint8Array(await f.arrayBuffer()) }))).then(
        resolve,
        (e: unknown) => reject(new Error(`the browser could not read the file: ${e instanceof Error ? e.message : String(e)}`)),
      );
    });
    input.click();
  });
}

/** Answers a question of the core the way a full page can. */
export function answer(ask: Ask): Promise<unknown> {
  switch (ask.kind) {
    case 'download':
      download(ask.payload.name, ask.payload.mime, ask.payload.data);
      return Promise.resolve(true);
    case 'pick':
      return pick(ask.payload.accept, ask.payload.multiple);
    case 'confirm':
      return Promise.resolve(window.confirm(`${ask.payload.title}\n\n${ask.payload.message}`));
    case 'open-url': {
      // A blank tab first, so that a tab the browser blocked is told apart
      // (with noopener, window.open returns null even when it opened one).
      // It loses its handle on this page, then goes to the link through an
      // anchor with rel=noreferrer clicked inside it: no address of this
      // page, or of the site a widget is on, goes along, whatever their
      // referrer policy.
      let tab: Window | null = null;
      try {
        tab = window.open('', '_blank');
        if (!tab) return Promise.resolve(false);
        tab.opener = null;
        const a = tab.document.createElement('a');
        a.href = ask.payload.url;
        a.rel = 'noreferrer';
        tab.document.body.append(a);
        a.click();
        return Promise.resolve(true);
      } catch {
        tab?.close();
        return Promise.resolve(false);
      }
    }
  }
}
