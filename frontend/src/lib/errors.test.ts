import { describe, expect, it } from 'vitest';
import { describePath, fixesFor } from './errors';
import { ErrorKind, type Settings } from './backend';

describe('error fixes', () => {
  it('offers what fixes the error', () => {
    expect(fixesFor({ kind: ErrorKind.Auth })).toEqual(['settings']);
    expect(fixesFor({ kind: ErrorKind.RateLimit })).toEqual(['retry']);
    expect(fixesFor({ kind: ErrorKind.InvalidRequest, status: 404 })[0]).toBe('model');
    expect(fixesFor({ kind: ErrorKind.Premium, upgradeUrl: 'https://x' })).toEqual(['model', 'upgrade']);
    expect(fixesFor({ kind: ErrorKind.Busy })).toEqual([]);
  });

  it('names a field in words, never as a path', () => {
    const s = { providers: [{ id: 'swarms', name: 'Swarms' }, { id: 'or', name: 'OpenRouter' }] } as unknown as Settings;
    expect(describePath('providers[1].baseUrl', s)).toBe('OpenRouter: base URL');
    expect(describePath('providers[0].headers.X-Title', s)).toBe('Swarms: headers X-Title');
    expect(describePath('defaults.params.topP', s)).toBe('Defaults: top P');
    expect(describePath('appearance.fontSize', s)).toBe('Appearance: font size');
  });
});
