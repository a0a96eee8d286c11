import { defineConfig } from 'tsup';

// ESM for import, CommonJS for require(), each with its own declarations (.d.ts, .d.cts).
// `shims` gives the CommonJS build an import.meta.url, which finds the addon beside dist/.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  shims: true,
  target: 'node20',
});
