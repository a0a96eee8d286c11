import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

/**
 * Puts the built script and stylesheet inside index.html. A page opened from disk (file://)
 * may not load module scripts from other files (Chromium treats them as cross-origin), but an
 * inline module runs: so the built site is one file that works offline, from a server or disk.
 */
function inlineIntoHtml(): Plugin {
  return {
    name: 'actgrad-inline-into-html',
    apply: 'build',
    enforce: 'post',
    generateBundle(_, bundle) {
      const html = Object.values(bundle).find((f) => f.type === 'asset' && f.fileName.endsWith('.html'));
      if (!html || html.type !== 'asset') return;
      let text = String(html.source);
      for (const [name, file] of Object.entries(bundle)) {
        const ref = new RegExp(`<script type="module" crossorigin src="\\./${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"></script>`);
        if (file.type === 'chunk' && ref.test(text)) {
          const code = file.code.replace(/<\/script/gi, '<\\/script');
          text = text.replace(ref, () => `<script type="module">${code}</script>`);
          delete bundle[name];
        } else if (file.type === 'asset' && name.endsWith('.css')) {
          const link = new RegExp(`<link rel="stylesheet" crossorigin href="\\./${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}">`);
          text = text.replace(link, () => `<style>${String(file.source)}</style>`);
          delete bundle[name];
        }
      }
      html.source = text;
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  // Relative asset paths: the built page works from any folder and from file://.
  base: './',
  // The workspace packages are used from their TypeScript sources, as in the tests;
  // `browser` picks @actgrad/tensor's browser platform (no Node built-ins).
  resolve: {
    conditions: ['source', ...defaultClientConditions],
    alias: { 'node:fs/promises': fileURLToPath(new URL('src/node-fs-stub.ts', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: Number.MAX_SAFE_INTEGER,
    rolldownOptions: { output: { codeSplitting: false } },
  },
  plugins: [inlineIntoHtml()],
});
