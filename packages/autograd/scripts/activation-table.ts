// Writes the activation table of README.md and packages/autograd/README.md from the definitions.
// Run after adding or changing an activation: npx tsx --conditions=source packages/autograd/scripts/activation-table.ts
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { activationTable, replaceTable } from '../src/activations/table.js';

const root = new URL('../../../', import.meta.url);
const dir = new URL('../src/activations/', import.meta.url);

/** The file under src/activations that defines each `export const <name>`, relative to packages/autograd. */
export function definitionFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const file of readdirSync(fileURLToPath(dir))) {
    if (!file.endsWith('.ts')) continue;
    const text = readFileSync(new URL(file, dir), 'utf8');
    for (const m of text.matchAll(/^export const (\w+)(?::[^=]+)? = /gm)) files[m[1]!] = `src/activations/${file}`;
  }
  return files;
}

/** README paths and the prefix that turns packages/autograd-relative links into theirs. */
export const READMES = [['README.md', 'packages/autograd/'], ['packages/autograd/README.md', '']] as const;

export function readme(file: string): string {
  return readFileSync(new URL(file, root), 'utf8');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = definitionFiles();
  for (const [file, base] of READMES) {
    const text = readme(file);
    const next = replaceTable(text, activationTable(files, base), file);
    if (next !== text) writeFileSync(new URL(file, root), next);
    console.log(`${file}: ${next === text ? 'up to date' : 'table rewritten'}`);
  }
}
