import { Tensor, type DType } from '@actgrad/tensor';
import { decodeFloatsInto, encodeFloats, type WeightJSON } from './serialize-format.js';
import type { StateDict } from './state-dict.js';

const BYTES: Record<DType, number> = { float32: 4, float64: 8 };

/** A tensor as {@link WeightJSON}: its IEEE-754 bytes in base64, so a round trip is bit-exact. */
export function encodeTensor(t: Tensor): WeightJSON {
  const c = t.contiguous();
  return { shape: [...c.shape], dtype: c.dtype, encoding: 'base64', data: encodeFloats(c.data, c.offset, c.size) };
}

/**
 * Checks one saved tensor without decoding it: a shape of integers ≥ 0, a known dtype and
 * encoding, and exactly the bytes (or numbers) that shape needs. Returns a problem or null.
 */
export function tensorJSONProblem(w: unknown): string | null {
  if (!w || typeof w !== 'object') return 'is not a saved tensor ({ shape, dtype, encoding, data })';
  const { shape, dtype, encoding, data } = w as Partial<WeightJSON>;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) return `has an invalid shape ${JSON.stringify(shape)}`;
  if (dtype !== 'float32' && dtype !== 'float64') return `has unknown dtype '${String(dtype)}' (float32 or float64)`;
  const size = shape.reduce((a, b) => a * b, 1);
  if (encoding === 'base64') {
    if (typeof data !== 'string') return 'has base64 encoding but its data is not a string';
    const bytes = Buffer.byteLength(data, 'base64');
    if (bytes !== size * BYTES[dtype]) return `holds ${bytes} bytes but shape [${shape.join(',')}] of ${dtype} needs ${size * BYTES[dtype]}`;
    return null;
  }
  if (encoding === 'numbers') {
    if (!Array.isArray(data) || !data.every((v) => typeof v === 'number')) return 'has numbers encoding but its data is not an array of numbers';
    if (data.length !== size) return `holds ${data.length} values but shape [${shape.join(',')}] needs ${size}`;
    return null;
  }
  return `has unknown encoding '${String(encoding)}' (base64 or numbers)`;
}

/**
 * Decodes a tensor that {@link tensorJSONProblem} has accepted. Values must be finite, as in
 * model files: the error (`where` starts it) names the tensor and the index.
 */
export function decodeTensor(w: WeightJSON, where = 'decode', name = '?'): Tensor {
  const size = w.shape.reduce((a, b) => a * b, 1);
  const values = w.dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
  let bad = -1;
  if (w.encoding === 'numbers') {
    const src = w.data as number[];
    for (let i = 0; i < size && bad < 0; i++) {
      values[i] = src[i];
      if (!Number.isFinite(values[i])) bad = i;
    }
  } else bad = decodeFloatsInto(w.data as string, values);
  if (bad >= 0) throw new Error(`${where}: tensor '${name}' holds a value that is not a finite ${w.dtype} at index ${bad}`);
  return new Tensor(values, w.shape);
}

/** Every tensor of a state dict, encoded. */
export function encodeStateDict(dict: StateDict): Record<string, WeightJSON> {
  const out: Record<string, WeightJSON> = {};
  for (const [name, t] of Object.entries(dict)) out[name] = encodeTensor(t);
  return out;
}

/**
 * Decodes saved tensors after checking all of them (so a bad entry allocates nothing);
 * `where` starts the error message, which names the entry.
 */
export function decodeStateDict(where: string, saved: unknown): StateDict {
  if (!saved || typeof saved !== 'object' || Array.isArray(saved)) throw new Error(`${where}: expected an object of name → saved tensor`);
  const entries = Object.entries(saved as Record<string, unknown>);
  for (const [name, w] of entries) {
    const problem = tensorJSONProblem(w);
    if (problem) throw new Error(`${where}: tensor '${name}' ${problem}`);
  }
  const out: StateDict = {};
  for (const [name, w] of entries) out[name] = decodeTensor(w as WeightJSON, where, name);
  return out;
}
