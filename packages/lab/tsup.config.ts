import { defineConfig } from 'tsup';

// Flat entries: the sweep pool finds its worker beside whichever chunk it was bundled into.
export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli/main.ts', 'sweep-worker': 'src/lab/sweep-worker.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: true,
  target: 'node20',
});
