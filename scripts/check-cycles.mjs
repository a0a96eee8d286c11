#!/usr/bin/env node
// Fails on any import cycle between the source files of a package (packages/*/src). Type-only
// imports count too: a cycle of types still means two files that cannot be read one after the
// other. The one waiver is an `import type` line ending in `// cycle-ok: <reason>`, used only where
// a class core merges the interface of the methods installed on it (Tensor, Variable): erased at
// runtime, and the only way the bundled .d.ts keeps the methods typed. Waived edges are listed.
// Only relative imports are followed; the packages' own arrows (nn → autograd → tensor) are kept
// by package.json dependencies. No dependency: these lines beat madge's tree of dependencies.
//   node scripts/check-cycles.mjs
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function resolveImport(from, spec) {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec).replace(/\.(m?js)$/, '');
  for (const candidate of [`${base}.ts`, `${base}.mts`, join(base, 'index.ts')]) if (existsSync(candidate)) return candidate;
  return null;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(graph) {
  let index = 0;
  const idx = new Map(), low = new Map(), onStack = new Set(), stack = [], out = [];
  const visit = (v) => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do { w = stack.pop(); onStack.delete(w); scc.push(w); } while (w !== v);
      if (scc.length > 1 || graph.get(v)?.has(v)) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

let found = 0;
const waived = [];
let checked = 0;
for (const pkg of readdirSync(join(root, 'packages'))) {
  const src = join(root, 'packages', pkg, 'src');
  if (!existsSync(src)) continue;
  const graph = new Map();
  for (const file of files(src)) {
    const text = readFileSync(file, 'utf8');
    const deps = new Set();
    for (const m of text.matchAll(IMPORT)) {
      const target = resolveImport(file, m[1] ?? m[2] ?? m[3]);
      if (!target) continue;
      const line = text.slice(m.index, text.indexOf('\n', m.index + 1) >>> 0);
      if (/^\s*import type\b/.test(m[0]) && /\/\/ cycle-ok: \S/.test(line)) {
        waived.push(`${relative(root, file)} → ${relative(root, target)}`);
        continue;
      }
      deps.add(target);
    }
    graph.set(file, deps);
    checked++;
  }
  for (const scc of cycles(graph)) {
    found++;
    console.log(`cycle in ${pkg}: ${scc.map((f) => relative(join(root, 'packages', pkg), f)).join(' ↔ ')}`);
  }
}
for (const edge of waived) console.log(`waived (type-only, declaration merging): ${edge}`);
console.log(`check-cycles: ${checked} files, ${found} cycle${found === 1 ? '' : 's'}`);
process.exit(found ? 1 : 0);
