import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { activationNames } from '@actgrad/autograd';
import { describe, expect, it } from 'vitest';
import { HelpRequested, runCli, UsageError } from '../src/cli/argv.js';
import { exampleHelp, parseDemoArgs, parseExampleArgs, parseLabArgs } from '../src/cli/cli-args.js';
import { runExample } from '../src/run-example.js';
import { TASKS } from '../src/tasks.js';
import { PairingError } from '../src/train.js';
import { importUserModules } from '../src/cli/user-modules.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

describe('pnpm example arguments', () => {
  it('fills in the task defaults', () => {
    const o = parseExampleArgs(['spirals']);
    expect(o).toEqual({ task: 'spirals', ...TASKS.spirals.defaults, json: false });
  });

  it('reads every option', () => {
    const o = parseExampleArgs(['moons', '--hidden', 'tanh', '--output', 'tanh', '--epochs', '7', '--lr', '0.1', '--batch', '8', '--optimizer', 'SGD', '--seed', '3', '--json']);
    expect(o).toMatchObject({ task: 'moons', hidden: ['tanh', 'tanh'], sizes: [16, 16], output: 'tanh', epochs: 7, lr: 0.1, batch: 8, optimizer: 'sgd', seed: 3, json: true });
  });

  it('gives one hidden activation per layer when several are named', () => {
    expect(parseExampleArgs(['moons', '--hidden', 'relu,elu,tanh'])).toMatchObject({ hidden: ['relu', 'elu', 'tanh'], sizes: [16, 16, 16] });
    expect(parseExampleArgs(['moons', '--sizes', '8,4', '--hidden', 'selu'])).toMatchObject({ hidden: ['selu', 'selu'], sizes: [8, 4] });
    expect(() => parseExampleArgs(['moons', '--sizes', '8,4', '--hidden', 'relu,elu,tanh'])).toThrow('--hidden names 3 activations but --sizes 2 layers');
  });

  it('refuses an unknown task, listing the valid ones', () => {
    expect(() => parseExampleArgs(['wine'])).toThrow(new UsageError(
      'unknown task "wine"; valid tasks are moons, spirals, iris, unit-regression, signed-regression or regression',
    ));
    expect(() => parseExampleArgs([])).toThrow('missing task; valid tasks are moons, spirals, iris, unit-regression, signed-regression, regression');
  });

  it('refuses an unknown activation, listing every registered one', () => {
    let message = '';
    try {
      parseExampleArgs(['moons', '--hidden', 'relu,swish']);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^unknown activation "swish"; valid activations are /);
    for (const name of activationNames()) expect(message).toContain(name);
    expect(() => parseExampleArgs(['moons', '--output', 'Sigmoid'])).toThrow('(did you mean sigmoid?)');
  });

  it('refuses a bad optimizer or number with the valid choices', () => {
    expect(() => parseExampleArgs(['moons', '--optimizer', 'lbfgs'])).toThrow('unknown optimizer "lbfgs"; valid optimizers are sgd, adam, adamw or rmsprop');
    expect(() => parseExampleArgs(['moons', '--epochs', 'ten'])).toThrow('--epochs must be an integer; got "ten"');
  });

  it('has help that lists the tasks and options', () => {
    expect(() => parseExampleArgs(['--help'])).toThrow(HelpRequested);
    for (const word of ['moons', 'signed-regression', '--hidden', '--json', 'R² ≥ 0.95']) expect(exampleHelp()).toContain(word);
  });
});

describe('--import', () => {
  it('loads a module that registers an activation, which then is a valid name', async () => {
    expect(() => parseExampleArgs(['moons', '--hidden', 'softsign'])).toThrow('unknown activation "softsign"');
    const module = resolve(root, 'packages/lab/test/fixtures/softsign.ts');
    await importUserModules(['moons', '--import', module]);
    expect(parseExampleArgs(['moons', '--hidden', 'softsign', '--import', module]).hidden).toEqual(['softsign', 'softsign']);
    const run = runExample({ ...parseExampleArgs(['moons', '--hidden', 'softsign']), epochs: 3 });
    expect(run.result.hidden).toEqual(['softsign', 'softsign']);
    expect(run.result.testAccuracy).toBeGreaterThan(0.5);
  });

  it('refuses a module whose activation has a wrong derivative, naming the worst point', async () => {
    // Inside the repository, so the module resolves @actgrad/autograd like a user's would.
    const dir = mkdtempSync(join(root, 'examples', '.tmp-import-'));
    const module = join(dir, 'bad-derivative.mjs');
    writeFileSync(module, `import { defineActivation, registerActivation } from '@actgrad/autograd';
registerActivation(defineActivation({ name: 'badTanh', forward: Math.tanh, derivative: () => -5 }));\n`);
    try {
      await expect(importUserModules(['--import', module])).rejects.toThrow(/--import .*bad-derivative\.mjs: cannot load it \(defineActivation 'badTanh': the derivative disagrees with the forward; worst at s = -?50/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a module it cannot load', async () => {
    await expect(importUserModules(['--import=missing.ts'])).rejects.toThrow(/^--import missing.ts: cannot load it/);
  });
});

describe('lab and demo arguments', () => {
  it('defaults to the lecture’s comparison on moons', () => {
    const o = parseLabArgs([]);
    expect(o).toMatchObject({ task: 'moons', hidden: ['relu', 'leakyRelu', 'elu', 'selu', 'tanh', 'sigmoid'], outputs: ['sigmoid'], seeds: 3, deep: 0, sameStart: false });
  });

  it('reads the issue’s command line', () => {
    const o = parseLabArgs(['--task', 'moons', '--hidden', 'relu,leakyRelu,elu,selu,tanh,sigmoid', '--output', 'sigmoid', '--seeds', '5', '--deep', '10']);
    expect(o).toMatchObject({ seeds: 5, deep: 10, hidden: ['relu', 'leakyRelu', 'elu', 'selu', 'tanh', 'sigmoid'] });
    expect(o.settings.sizes).toEqual(TASKS.moons.defaults.sizes);
  });

  it('refuses unknown names and repeated activations', () => {
    expect(() => parseLabArgs(['--task', 'mnist'])).toThrow('unknown task "mnist"; valid tasks are');
    expect(() => parseLabArgs(['--hidden', 'relu,bogus'])).toThrow('unknown activation "bogus"; valid activations are');
    expect(() => parseLabArgs(['--hidden', 'relu,relu'])).toThrow('--hidden lists an activation twice');
    expect(() => parseDemoArgs(['moons'])).toThrow('unexpected argument "moons"');
  });
});

describe('pairing check', () => {
  it('refuses softmax on a single-output task with the reason and the fix', () => {
    const opts = { ...parseExampleArgs(['regression', '--output', 'softmax']), epochs: 1 };
    expect(() => runExample(opts)).toThrow(PairingError);
    expect(() => runExample(opts)).toThrow(/regression cannot train with output softmax: .*single unit always gives 1/);
  });

  it('refuses an output that cannot reach the targets', () => {
    const opts = { ...parseExampleArgs(['signed-regression', '--output', 'sigmoid']), epochs: 1 };
    expect(() => runExample(opts)).toThrow(/output 'sigmoid' produces values in \[0, 1\] but the targets span \[-1, 1\]/);
  });

  it('runs a pairing the notes advise against, with warnings', () => {
    const warnings: string[] = [];
    const run = runExample({ ...parseExampleArgs(['spirals', '--output', 'sigmoid', '--hidden', 'tanh']), epochs: 2 }, { onWarning: (w) => warnings.push(w) });
    expect(run.result.epochs).toBe(2);
    expect(warnings).toEqual(run.warnings);
    expect(warnings.join('\n')).toContain('the notes advise a softmax output for multi-class classification');
    expect(warnings.join('\n')).toContain('one-hot targets with binary cross-entropy');
    expect(warnings.join('\n')).toContain('the notes advise the ReLU family for hidden layers; tanh saturates');
  });

  it('accepts tanh for binary classification, as the notes do, with −1/1 labels', () => {
    const run = runExample({ ...parseExampleArgs(['moons', '--output', 'tanh']) });
    expect(run.warnings).toEqual([]);
    expect(run.result.testAccuracy).toBeGreaterThan(0.95);
  });
});

describe('the CLI through tsx', () => {
  it('prints exactly one JSON line with --json', () => {
    const out = execFileSync(resolve(root, 'node_modules/.bin/tsx'), ['--conditions=source', 'packages/lab/src/cli/main.ts', 'example', 'moons', '--json', '--epochs', '3'], { cwd: root, encoding: 'utf8' });
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const r = JSON.parse(lines[0]!);
    expect(Object.keys(r)).toEqual(['task', 'hidden', 'output', 'epochs', 'seed', 'trainLoss', 'testLoss', 'testAccuracy', 'seconds']);
    expect(r).toMatchObject({ task: 'moons', hidden: ['relu', 'relu'], output: 'sigmoid', epochs: 3, seed: 42 });
    expect(r.testAccuracy).toBeGreaterThan(0.5);
  });

  it('prints a usage error without a stack and exits with status 2', async () => {
    const writes: string[] = [];
    const write = process.stderr.write;
    const before = process.exitCode;
    process.stderr.write = ((chunk: string) => (writes.push(chunk), true)) as typeof process.stderr.write;
    try {
      await runCli(() => void parseExampleArgs(['mnist']));
      expect(process.exitCode).toBe(2);
    } finally {
      process.stderr.write = write;
      process.exitCode = before;
    }
    expect(writes.join('')).toBe('error: unknown task "mnist"; valid tasks are moons, spirals, iris, unit-regression, signed-regression or regression\n(run with --help for usage)\n');
  });
});
