import { defineConfig } from 'tsup';

// ESM for import, CommonJS for require(), each with its own declarations (.d.ts, .d.cts). The
// actgrad-export bin is dist/cli.js (ESM); one config so `clean` cannot race a second build.
export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: true,
  target: 'node20',
});
