import { defineConfig } from 'tsup';

// ESM for import, CommonJS for require(), each with its own declarations (.d.ts, .d.cts).
export default defineConfig({
  // The runtime seam (#platform in package.json "imports") is built beside the index and
  // left external, so a browser bundler can pick platform/browser.js over platform/node.js.
  entry: ['src/index.ts', 'src/platform/node.ts', 'src/platform/browser.ts'],
  external: ['#platform'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
});
