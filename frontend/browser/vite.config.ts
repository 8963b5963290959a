// Builds the page the browser benchmark (bench.mjs) and checks (check.mjs) drive.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  logLevel: 'warn',
  build: {
    target: 'es2022',
    outDir: fileURLToPath(new URL('dist/', import.meta.url)),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    // BENCH_MINIFY=0 keeps names readable in a profile
    minify: process.env.BENCH_MINIFY !== '0',
    chunkSizeWarningLimit: 2000,
    rollupOptions: { input: fileURLToPath(new URL('render.html', import.meta.url)) },
  },
});
