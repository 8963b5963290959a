// Files the page holds (pasted, dropped, picked) on their way to Go, and
// previews of kept attachments as object URLs.
import { api } from './backend';

/** The largest file the page hands over (Go refuses larger ones in words). */
export const maxFileBytes = 20 << 20;

/** Reads a file as base64, the form AddAttachment takes. */
export async function base64Of(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let s = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    s += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(s);
}

/** A name for a file without one (a pasted screenshot). */
export function nameOf(file: File, i: number): string {
  if (file.name) {
    return file.name;
  }
  const ext = file.type.startsWith('image/') ? '.' + file.type.slice(6).replace('jpeg', 'jpg') : '.txt';
  return `pasted-${i + 1}${ext}`;
}

const previews = new Map<string, Promise<string>>();

/** An object URL showing a kept image attachment (made once per id). */
export function previewURL(id: string): Promise<string> {
  let p = previews.get(id);
  if (!p) {
    p = api.attachmentData(id).then((d) => {
      const bin = atob(d.data);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) {
        bytes[i] = bin.charCodeAt(i);
      }
      return URL.createObjectURL(new Blob([bytes], { type: d.mime }));
    });
    p.catch(() => previews.delete(id));
    previews.set(id, p);
  }
  return p;
}

/** A size for people. */
export function sizeText(n: number): string {
  if (n >= 1 << 20) {
    return `${(n / (1 << 20)).toFixed(1)} MB`;
  }
  if (n >= 1 << 10) {
    return `${Math.round(n / (1 << 10))} KB`;
  }
  return `${n} bytes`;
}
