// Theme selection: "system" follows the OS colour scheme and keeps following
// it while the app runs; "light" and "dark" pin it.

export type ThemeChoice = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

const darkQuery = '(prefers-color-scheme: dark)';

/** The theme to show for a choice, given whether the OS prefers dark. */
export function resolveTheme(choice: ThemeChoice, systemPrefersDark: boolean): Theme {
  if (choice === 'system') {
    return systemPrefersDark ? 'dark' : 'light';
  }
  return choice;
}

/**
 * Applies the theme to the document root as data-theme and, for "system",
 * re-applies it whenever the OS scheme changes. Returns a function that stops
 * following the OS.
 */
export function applyTheme(choice: ThemeChoice, root: HTMLElement = document.documentElement): () => void {
  const media = typeof window.matchMedia === 'function' ? window.matchMedia(darkQuery) : null;
  const set = () => {
    root.dataset.theme = resolveTheme(choice, media?.matches ?? false);
  };
  set();
  if (choice !== 'system' || !media) {
    return () => {};
  }
  media.addEventListener('change', set);
  return () => media.removeEventListener('change', set);
}
