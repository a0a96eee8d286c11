import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as browser from '../src/platform/browser.js';
import * as node from '../src/platform/node.js';
import { wasmModuleBase64 } from '../src/backend/wasm/module.generated.js';

describe('#platform: the Node and browser variants', () => {
  it('decode the wasm module to the same bytes', () => {
    const a = node.decodeBase64(wasmModuleBase64);
    const b = browser.decodeBase64(wasmModuleBase64);
    expect(b.length).toBe(a.length);
    expect(b.length).toBeGreaterThan(10_000);
    // "\0asm" magic, then every byte equal.
    expect([...b.subarray(0, 4)]).toEqual([0, 0x61, 0x73, 0x6d]);
    expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true);
  });

  it('Node reports its cores and starts real worker threads; the browser keeps one thread', () => {
    expect(node.hardwareThreads()).toBeGreaterThanOrEqual(1);
    expect(browser.hardwareThreads()).toBe(1);
    expect(() => new browser.Worker('', { eval: true })).toThrow(/worker threads need Node\.js.*threads: 1/);
  });

  it('package.json sends browser bundlers to the browser variant and Node to the node one', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    const entry = pkg.imports['#platform'];
    // Condition order matters: the first matching key wins, so `browser` must precede the rest.
    expect(Object.keys(entry)[0]).toBe('browser');
    expect(entry.browser.source).toBe('./src/platform/browser.ts');
    expect(entry.source).toBe('./src/platform/node.ts');
    expect(entry.import).toBe('./dist/platform/node.js');
    // A CommonJS build of index (require('#platform')) needs a CommonJS platform beside it.
    expect(entry.require).toBe('./dist/platform/node.cjs');
    expect(entry.browser.import).toBe('./dist/platform/browser.js');
  });

  // Type-only imports are erased from the bundle and do not count.
  it('no source file but the Node platform imports a Node built-in at run time', async () => {
    const { readdirSync } = await import('node:fs');
    const src = new URL('../src/', import.meta.url);
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(20);
    const offenders = files.filter((f) => f !== 'platform/node.ts'
      && /^\s*(import|export)(?!\s+type\b)[^'"]*from\s+['"]node:/m.test(readFileSync(new URL(f, src), 'utf8')));
    expect(offenders).toEqual([]);
    // Node globals too: a browser has no Buffer (the FMA gemm once decoded its module with one).
    const globals = files.filter((f) => f !== 'platform/node.ts' && /\bBuffer\.from\(/.test(readFileSync(new URL(f, src), 'utf8')));
    expect(globals).toEqual([]);
  });
});
