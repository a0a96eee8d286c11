import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * Runs every example as a student would (a child process, tsx on the sources) and checks the
 * outcome its header promises, so an example cannot rot unnoticed.
 */
const dir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const root = resolve(dir, '..');
const run = async (file: string): Promise<string> => {
  const { stdout } = await promisify(execFile)(resolve(root, 'node_modules/.bin/tsx'), ['--conditions=source', `examples/${file}`], { cwd: root, encoding: 'utf8' });
  return stdout;
};
const num = (out: string, re: RegExp): number => {
  const m = re.exec(out);
  if (!m) throw new Error(`no match for ${re} in:\n${out}`);
  return Number(m[1]);
};

const checks: Record<string, (out: string) => void> = {
  '01-quick-start.ts': (out) => {
    expect(num(out, /accuracy: ([\d.]+)/)).toBeGreaterThan(0.97);
    expect(out).toContain('[ 200, 1 ]');
  },
  '02-backward-by-hand.ts': (out) => {
    const pairs = [...out.matchAll(/backward (-?[\d.]+)\s+by hand (-?[\d.]+)/g)];
    expect(pairs).toHaveLength(4);
    for (const [, auto, hand] of pairs) expect(Math.abs(Number(auto) - Number(hand))).toBeLessThanOrEqual(2e-6);
    expect(Number(pairs[0]![1])).not.toBe(0);
    expect(out).toContain('gradcheck ok: true');
  },
  '03-custom-activation.ts': (out) => {
    expect(out).toContain('derivative check: ok');
    expect(num(out, /test accuracy ([\d.]+)/)).toBeGreaterThan(0.95);
  },
  '04-compare-activations.ts': (out) => {
    const acc = Object.fromEntries([...out.matchAll(/^(\w+)\s.*\s([\d.]+)$/gm)].map((m) => [m[1], Number(m[2])]));
    expect(Object.keys(acc)).toEqual(['relu', 'leakyRelu', 'elu', 'selu', 'tanh', 'sigmoid']);
    for (const name of ['relu', 'leakyRelu', 'elu', 'selu', 'tanh']) expect(acc[name]).toBeGreaterThanOrEqual(0.95);
    expect(acc.sigmoid).toBeLessThan(acc.relu! - 0.05);
  },
  '05-regression-tanh.ts': (out) => {
    expect(num(out, /test R² ([\d.]+)/)).toBeGreaterThan(0.95);
    expect(out).toMatch(/sigmoid output: fit: output 'sigmoid' produces values in \[0, 1\] but the targets span \[-1, 1\]/);
  },
  '06-softmax-multiclass.ts': (out) => {
    expect(num(out, /test accuracy ([\d.]+)/)).toBeGreaterThan(0.95);
    expect(num(out, /sum ([\d.]+)/)).toBeCloseTo(1, 3);
    const right = [...out.matchAll(/class \d (\d+)\/(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(right).toHaveLength(3);
    expect(right.reduce((s, [, t]) => s + t!, 0)).toBe(150);
  },
  '07-native-backend.ts': (out) => {
    const runs = [...out.matchAll(/^(\w+)\s+\d+ steps\/s, last loss ([\d.]+)$/gm)].map((m) => [m[1], Number(m[2])] as const);
    expect(runs.map(([name]) => name)).toEqual(['wasm', 'native']);
    const [wasm, native] = runs.map(([, loss]) => loss);
    // 40 steps on one batch of random labels: from ln 10 ≈ 2.3 to well below 1, on both backends alike.
    expect(wasm!).toBeLessThan(1);
    expect(Math.abs(native! - wasm!)).toBeLessThanOrEqual(1e-4);
    expect(out).toMatch(/native gemm: (avx512|avx2|generic);/);
  },
};

const files = readdirSync(dir).filter((f) => /^\d\d-.*\.ts$/.test(f)).sort();

describe('examples', () => {
  it('are numbered in reading order, each short and checked below', () => {
    expect(files).toEqual(Object.keys(checks));
    for (const f of files) {
      const lines = readFileSync(resolve(dir, f), 'utf8').trimEnd().split('\n').length;
      expect(lines, f).toBeGreaterThanOrEqual(15);
      expect(lines, f).toBeLessThanOrEqual(60);
    }
  });

  it.each(Object.keys(checks))('%s prints what its header says', async (file) => {
    checks[file]!(await run(file));
  });

  it("the README's quick start is examples/01-quick-start.ts, character for character", () => {
    const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
    const block = /## Quick start\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    const body = readFileSync(resolve(dir, '01-quick-start.ts'), 'utf8').replace(/^(\/\/.*\n)+\n/, '');
    expect(block).toBe(body);
  });
});
