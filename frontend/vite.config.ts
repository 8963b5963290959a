import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte()],
  // Relative asset URLs: the web build may be served under any path, and
  // the worker and wasm resolve from the script that loads them.
  base: './',
  worker: { format: 'iife' },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    // Wails serves the assets itself; no inline module preload polyfill script.
    modulePreload: { polyfill: false },
    // The desktop app loads its assets from the binary, not a network; one
    // ~560 kB chunk (KaTeX and markdown-it are most of it) costs no round trips.
    chunkSizeWarningLimit: 700,
  },
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
  },
});
