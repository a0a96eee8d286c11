// `pnpm playground` starts the dev server and prints its URL; `pnpm playground build [outDir]`
// writes the static site (one self-contained index.html that also works from file://).
import { fileURLToPath } from 'node:url';
import { build, createServer } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const configFile = fileURLToPath(new URL('../vite.config.ts', import.meta.url));
const [command, outDir] = process.argv.slice(2);

if (command === 'build') {
  await build({ root, configFile, build: outDir ? { outDir } : {} });
  const out = outDir ?? `${root}dist`;
  console.log(`\nplayground built: open ${out}/index.html in a browser (works offline, from disk)`);
} else if (command === undefined || command === 'dev') {
  const server = await createServer({ root, configFile });
  await server.listen();
  console.log('\nactgrad playground:');
  server.printUrls();
} else {
  console.error(`usage: pnpm playground [build [outDir]]; unknown command '${command}'`);
  process.exit(2);
}
