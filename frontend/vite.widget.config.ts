import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The <murmur-chat> widget: widget.js (the loader a host page adds), the
// chat panel as lazily loaded chunks, and the core's worker. Component
// styles are injected into the widget's shadow root, never the host page.
export default defineConfig({
  plugins: [svelte({ compilerOptions: { css: 'injected' } })],
  base: './',
  worker: { format: 'iife' },
  build: {
    target: 'es2022',
    outDir: 'dist-widget',
    emptyOutDir: true,
    // No <link rel=modulepreload> tags in the host's document.
    modulePreload: false,
    rollupOptions: {
      input: 'src/widget/widget.ts',
      preserveEntrySignatures: 'strict',
      output: {
        entryFileNames: 'widget.js',
        chunkFileNames: 'chunks/[name]-[hash].js',
        assetFileNames: 'chunks/[name]-[hash][extname]',
      },
    },
  },
});
