import { describe, expect, it, vi } from 'vitest';
import { applyTheme, resolveTheme } from './theme';

describe('resolveTheme', () => {
  it.each([
    ['system', true, 'dark'],
    ['system', false, 'light'],
    ['light', true, 'light'],
    ['dark', false, 'dark'],
  ] as const)('%s with OS dark=%s shows %s', (choice, osDark, want) => {
    expect(resolveTheme(choice, osDark)).toBe(want);
  });
});

describe('applyTheme', () => {
  it('follows the OS scheme while set to system and stops when told', () => {
    const listeners: Array<() => void> = [];
    const media = {
      matches: false,
      addEventListener: (_: string, fn: () => void) => listeners.push(fn),
      removeEventListener: (_: string, fn: () => void) => listeners.splice(listeners.indexOf(fn), 1),
    };
    vi.stubGlobal('matchMedia', () => media);
    const root = document.createElement('html');

    const stop = applyTheme('system', root);
    expect(root.dataset.theme).toBe('light');

    media.matches = true;
    listeners.forEach((fn) => fn());
    expect(root.dataset.theme).toBe('dark');

    stop();
    expect(listeners).toHaveLength(0);
    vi.unstubAllGlobals();
  });

  it('pins an explicit choice regardless of the OS', () => {
    vi.stubGlobal('matchMedia', () => ({ matches: true, addEventListener() {}, removeEventListener() {} }));
    const root = document.createElement('html');
    applyTheme('light', root);
    expect(root.dataset.theme).toBe('light');
    vi.unstubAllGlobals();
  });
});
