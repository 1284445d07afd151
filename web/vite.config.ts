import { defineConfig } from 'vite';

// Paths are relative to the repository root, where `npm run build:web` runs.
export default defineConfig({
  root: 'web',
  base: '/',
  publicDir: 'public',
  build: {
    outDir: '../dist/public',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: true,
    // The polyfill would be bundled anyway (never inline), but every supported browser has modulepreload.
    modulePreload: { polyfill: false },
  },
});
