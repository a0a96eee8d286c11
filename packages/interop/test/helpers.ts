import { activations } from '@actgrad/autograd';
import { Activation, Linear, makeRng, predict, Sequential } from '@actgrad/nn';
import { Tensor, type DType } from '@actgrad/tensor';
import * as ort from 'onnxruntime-node';

/** Options that make each parameterised activation differ from its default, so a dropped option shows. */
export const TEST_OPTIONS: Record<string, Record<string, number>> = {
  leakyRelu: { alpha: 0.2 },
  elu: { alpha: 0.7 },
  prelu: { alpha: 0.3 },
};

/** One activation to test: a built-in with the options above, or another choice of a string option. */
export interface ActivationCase {
  label: string;
  name: string;
  options?: Record<string, number | string>;
}

/**
 * Every built-in, plus one case per other value of a parameter that lists `choices` (GELU's
 * `approximate: 'tanh'`), read from the registry so a new form is tested the day it lands.
 */
export function activationCases(): ActivationCase[] {
  const out: ActivationCase[] = [];
  for (const [name, def] of Object.entries(activations)) {
    out.push({ label: name, name, options: TEST_OPTIONS[name] });
    for (const [key, spec] of Object.entries(def.params as Record<string, { default: unknown; choices?: readonly string[] }>)) {
      for (const choice of spec.choices ?? []) {
        if (choice !== spec.default) out.push({ label: `${name}(${key}: ${choice})`, name, options: { ...TEST_OPTIONS[name], [key]: choice } });
      }
    }
  }
  return out;
}

/** Linear(4, 8) → act → Linear(8, 3) → act: the activation once hidden, once at the output. */
export function modelWith(name: string | ActivationCase, dtype: DType, seed = 1): Sequential {
  const c = typeof name === 'string' ? { name, options: TEST_OPTIONS[name] } : name;
  const opts = c.options as Record<string, number> | undefined;
  name = c.name;
  return new Sequential([
    new Linear(4, 8, { dtype, seed }),
    new Activation(name, opts),
    new Linear(8, 3, { dtype, seed: seed + 1 }),
    new Activation(name, opts),
  ]);
}

/**
 * `n × cols` normal inputs times `scale` (3: every kink and tail is visited), rounded to float32:
 * `predict` reads x as float32, so float64 runs must start from the same values.
 */
export function randomInputs(n: number, cols: number, dtype: DType, seed = 7, scale = 3): Tensor {
  const rng = makeRng(seed);
  const data = dtype === 'float64' ? new Float64Array(n * cols) : new Float32Array(n * cols);
  for (let i = 0; i < data.length; i++) {
    const u = Math.max(rng(), 1e-12);
    data[i] = Math.fround(scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng()));
  }
  return new Tensor(data, [n, cols]);
}

/** Runs ONNX bytes in onnxruntime-node on one input. */
export async function runOrt(bytes: Uint8Array, x: Tensor, opts: ort.InferenceSession.SessionOptions = {}): Promise<Float32Array | Float64Array> {
  const session = await ort.InferenceSession.create(bytes, opts);
  const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor(x.dtype, x.data, x.shape) });
  return out[session.outputNames[0]!]!.data as Float32Array | Float64Array;
}

/** Largest |got − want| / max(|want|, floor), so values near 0 are compared absolutely. */
export function worstRelative(got: ArrayLike<number>, want: ArrayLike<number>, floor = 0.1): number {
  if (got.length !== want.length) throw new Error(`length ${got.length} ≠ ${want.length}`);
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i]! - want[i]!) / Math.max(Math.abs(want[i]!), floor);
    if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
  }
  return worst;
}

export { predict };
