import { readFileSync } from 'node:fs';
import { noGrad } from '@actgrad/autograd';
import { makeRng, type Sequential } from '@actgrad/nn';
import { Tensor, tidy } from '@actgrad/tensor';
import { describe, expect, it } from 'vitest';
import { fromOnnx, readSafetensors, toOnnx, torchStateDict, writeSafetensors } from '../src/index.js';
import { modelWith } from './helpers.js';

// Seeded mutations of valid files. Each must load (and an ONNX model must then run), or be
// refused with an Error whose message starts with the reader's name: the checks spoke, not a
// crash deep inside. maxParameters bounds what a mutated size may make the reader allocate.

const PER_FILE = 150;
const MAX_PARAMETERS = 5_000;
const MAX_ARRAY_BYTES = MAX_PARAMETERS * 16 + (1 << 20);

type Rand = () => number;

/** One mutation: a truncation, 1–4 byte flips, a run of 0xff (huge varints/lengths), or a slice dropped. */
function mutate(rand: Rand, src: Uint8Array): { bytes: Uint8Array; label: string } {
  const at = (n: number) => Math.floor(rand() * n);
  const kind = at(4);
  if (kind === 0) {
    const n = at(src.length);
    return { bytes: src.slice(0, n), label: `truncated to ${n}` };
  }
  const b = src.slice();
  if (kind === 1) {
    const flips = 1 + at(4);
    for (let i = 0; i < flips; i++) b[at(b.length)] ^= 1 << at(8);
    return { bytes: b, label: `${flips} bit flips` };
  }
  if (kind === 2) {
    const p = at(b.length), n = 1 + at(10);
    b.fill(0xff, p, p + n);
    return { bytes: b, label: `0xff × ${n} at ${p}` };
  }
  const p = at(b.length), n = 1 + at(16);
  return { bytes: new Uint8Array([...b.subarray(0, p), ...b.subarray(p + n)]), label: `dropped ${n} at ${p}` };
}

function run(model: Sequential): void {
  const x = new Tensor(new Float32Array(model.inFeatures * 2).fill(0.5), [2, model.inFeatures]);
  tidy(() => noGrad(() => model.call(model.parameters()[0]?.data.dtype === 'float64' ? x.astype('float64') : x)));
}

function fuzz(name: string, files: [string, Uint8Array][], load: (b: Uint8Array) => void, prefix: RegExp) {
  it(`${name}: ${PER_FILE} mutations per file each load or are refused by name`, () => {
    const counts = { tried: 0, loaded: 0, refused: 0 };
    let slowest = 0;
    for (const [file, src] of files) {
      load(src);
      const rand = makeRng(`fuzz:${name}:${file}`);
      for (let i = 0; i < PER_FILE; i++) {
        const { bytes, label } = mutate(rand, src);
        const where = `${file} #${i} (${label})`;
        counts.tried++;
        const before = process.memoryUsage().arrayBuffers;
        const t0 = performance.now();
        try {
          load(bytes);
          counts.loaded++;
        } catch (err) {
          expect(err, where).toBeInstanceOf(Error);
          expect((err as Error).message, where).toMatch(prefix);
          counts.refused++;
        }
        slowest = Math.max(slowest, performance.now() - t0);
        expect(process.memoryUsage().arrayBuffers - before, where).toBeLessThan(MAX_ARRAY_BYTES);
      }
    }
    console.log(`${name} fuzz: ${JSON.stringify(counts)}, slowest ${slowest.toFixed(1)} ms`);
    expect(counts.refused).toBeGreaterThan(counts.tried / 4);
    expect(counts.loaded).toBeGreaterThan(0);
  });
}

const torchOnnx = (n: string): [string, Uint8Array] => [n, new Uint8Array(readFileSync(new URL(`../fixtures/torch/${n}`, import.meta.url)))];

describe('reader fuzz', () => {
  fuzz('fromOnnx', [
    ['actgrad gelu opset 17', toOnnx(modelWith('gelu', 'float32'))],
    ['actgrad prelu float64 opset 20', toOnnx(modelWith('prelu', 'float64'), { opset: 20 })],
    torchOnnx('relu-tanh-softmax.onnx'),
    torchOnnx('gelu-silu-softplus-logsoftmax.onnx'),
  ], (b) => run(fromOnnx(b, { maxParameters: MAX_PARAMETERS })), /^fromOnnx: \S/);

  fuzz('readSafetensors', [
    ['actgrad elu', writeSafetensors(torchStateDict(modelWith('elu', 'float32')), { format: 'pt' })],
    ['actgrad float64', writeSafetensors(torchStateDict(modelWith('prelu', 'float64')))],
    torchOnnx('prelu-nobias-linear.safetensors'),
  ], (b) => readSafetensors(b, { maxParameters: MAX_PARAMETERS }), /^readSafetensors: \S/);
});
