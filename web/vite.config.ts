import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import { specFiles } from '../tools/specs/index.js';

/**
 * Publishes the OpenAPI and AsyncAPI documents with the web app (`dist/public/openapi.json`,
 * `asyncapi.json`), generated from `src/protocol/` on every build, so they cannot lag the code.
 */
function protocolSpecs(): Plugin {
  return {
    name: 'tether-protocol-specs',
    generateBundle() {
      for (const [fileName, source] of Object.entries(specFiles())) {
        this.emitFile({ type: 'asset', fileName, source });
      }
    },
  };
}

// Paths are relative to the repository root, where `npm run build:web` runs.
export default defineConfig({
  root: 'web',
  base: '/',
  publicDir: 'public',
  plugins: [protocolSpecs()],
  resolve: {
    // `@tether/client` from its TypeScript sources (see its package.json): no package build first.
    conditions: ['@tether/source', ...defaultClientConditions],
  },
  build: {
    outDir: '../dist/public',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: true,
    // The polyfill would be bundled anyway (never inline), but every supported browser has modulepreload.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      // The chat at `/`, and the protocol's readable page at `/docs/`.
      input: {
        app: fileURLToPath(new URL('index.html', import.meta.url)),
        docs: fileURLToPath(new URL('docs/index.html', import.meta.url)),
      },
    },
  },
});
