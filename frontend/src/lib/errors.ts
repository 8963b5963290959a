// What the UI offers for an error: the action that fixes it, and field
// paths in words.
import { ErrorKind, type Settings } from './backend';

export type Fix = 'settings' | 'retry' | 'model' | 'upgrade';

interface KindLike {
  kind?: string;
  status?: number;
  upgradeUrl?: string;
}

/** The fixes worth offering for an error, most useful first. */
export function fixesFor(e: KindLike): Fix[] {
  switch (e.kind) {
    case ErrorKind.Auth:
    case ErrorKind.Credits:
      return ['settings'];
    case ErrorKind.Config:
      return ['model', 'settings'];
    case ErrorKind.Premium:
      return e.upgradeUrl ? ['model', 'upgrade'] : ['model'];
    case ErrorKind.Permission:
      return ['model', 'settings'];
    case ErrorKind.InvalidRequest:
      // A model the provider does not know answers 404.
      return e.status === 404 ? ['model', 'retry'] : ['retry', 'model'];
    case ErrorKind.RateLimit:
    case ErrorKind.Server:
    case ErrorKind.Network:
    case ErrorKind.Timeout:
    case ErrorKind.Truncated:
    case ErrorKind.BadResponse:
    case ErrorKind.Storage:
    case ErrorKind.Error:
      return ['retry'];
  }
  return [];
}

export const fixLabels: Record<Fix, string> = {
  settings: 'Open settings',
  retry: 'Retry',
  model: 'Pick another model',
  upgrade: 'Upgrade',
};

const fieldWords: Record<string, string> = {
  id: 'id', name: 'name', preset: 'kind', baseUrl: 'base URL', auth: 'authentication', defaultModel: 'default model',
  headers: 'headers', extraBody: 'extra request fields', models: 'model list', supportsMaxLoops: 'max loops',
  providerId: 'default provider', model: 'default model', systemPrompt: 'system prompt', historyLimit: 'history',
  stream: 'streaming', theme: 'theme', fontSize: 'font size', temperature: 'temperature', topP: 'top P',
  maxTokens: 'max tokens', presencePenalty: 'presence penalty', frequencyPenalty: 'frequency penalty', maxLoops: 'max loops',
};

/** A field path ("providers[2].baseUrl") in words ("OpenRouter: base URL"). */
export function describePath(path: string, s: Settings | null): string {
  const p = /^providers\[(\d+)\]\.([A-Za-z]+)(?:\.(.+))?$/.exec(path);
  if (p) {
    const prov = s?.providers[Number(p[1])];
    const who = prov?.name || prov?.id || `Provider ${Number(p[1]) + 1}`;
    const what = fieldWords[p[2]!] ?? p[2]!;
    return p[3] ? `${who}: ${what} ${p[3]}` : `${who}: ${what}`;
  }
  const last = path.split('.').at(-1) ?? path;
  const where = path.startsWith('defaults.') ? 'Defaults' : path.startsWith('appearance.') ? 'Appearance' : 'Settings';
  return `${where}: ${fieldWords[last] ?? last}`;
}
