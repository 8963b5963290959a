// Builds the browser tests' Go stand-in (src/test/e2e-entry.ts) into one
// script the tests install before the app.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  build: {
    outDir: fileURLToPath(new URL('./.out', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    minify: false,
    lib: {
      entry: fileURLToPath(new URL('../src/test/e2e-entry.ts', import.meta.url)),
      formats: ['iife'],
      name: 'murmurE2E',
      fileName: () => 'fake.js',
    },
  },
});
