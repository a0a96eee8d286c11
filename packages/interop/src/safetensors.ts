import { DEFAULT_MAX_PARAMETERS } from '@actgrad/nn';
import { Tensor } from '@actgrad/tensor';

/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header length N, N bytes of JSON `{ name: { dtype, shape, data_offsets: [begin, end] }, …,
 * "__metadata__": { string: string } }`, then the raw little-endian data, offsets relative to it.
 */

/** Element types read and written: the float types actgrad computes in. */
const DTYPES = { F32: { bytes: 4, dtype: 'float32' }, F64: { bytes: 8, dtype: 'float64' } } as const;
type SafeDType = keyof typeof DTYPES;

/** Longest JSON header read (the reference implementation's limit is 100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

/** A state dict: tensor name → tensor, in PyTorch's layout. */
export type StateDict = Record<string, Tensor>;

/** Serialises tensors (float32 or float64) as safetensors bytes, names sorted, data 8-byte aligned. */
export function writeSafetensors(tensors: StateDict, metadata: Record<string, string> = {}): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const name of names) {
    const t = tensors[name]!;
    const bytes = t.size * (t.dtype === 'float64' ? 8 : 4);
    header[name] = { dtype: t.dtype === 'float64' ? 'F64' : 'F32', shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
  json += ' '.repeat((8 - ((new TextEncoder().encode(json).length) % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const name of names) {
    const t = tensors[name]!.contiguous();
    const view = t.data.subarray(t.offset, t.offset + t.size);
    out.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), at);
    at += view.byteLength;
  }
  return out;
}

/** Limits of {@link readSafetensors}. */
export interface SafetensorsLimits {
  /** Most scalars all tensors together may hold (default 50 million, as loadModel). */
  maxParameters?: number;
}

/** What {@link readSafetensors} returns. */
export interface Safetensors {
  tensors: StateDict;
  metadata: Record<string, string>;
}

function fail(msg: string): never {
  throw new Error(`readSafetensors: ${msg}`);
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * Reads safetensors bytes. The header is checked whole before any tensor is copied: known
 * dtype, shapes of non-negative integers, byte ranges that match the shape, lie inside the
 * data and tile it without gaps or overlaps, and a total under `maxParameters`.
 */
export function readSafetensors(bytes: Uint8Array, limits: SafetensorsLimits = {}): Safetensors {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('readSafetensors: expected the file contents as a Uint8Array');
  if (bytes.length < 8) fail(`${bytes.length} bytes is too short for a safetensors file (the header length alone is 8)`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(Math.min(bytes.length - 8, MAX_HEADER_BYTES))) {
    fail(`header length ${n} runs past the end of the ${bytes.length}-byte file (truncated, or not safetensors)`);
  }
  const headerEnd = 8 + Number(n);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, headerEnd)));
  } catch (err) {
    return fail(`the header is not valid JSON (${(err as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('the header is not a JSON object');
  const dataLength = bytes.length - headerEnd;
  const max = limits.maxParameters ?? DEFAULT_MAX_PARAMETERS;
  let total = 0;
  const plan: { name: string; dtype: SafeDType; shape: number[]; begin: number; end: number }[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (info === null || typeof info !== 'object' || Array.isArray(info) || Object.values(info).some((v) => typeof v !== 'string')) {
        fail('__metadata__ must map strings to strings');
      }
      metadata = { ...(info as Record<string, string>) };
      continue;
    }
    const { dtype, shape, data_offsets: offsets } = (info ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof dtype !== 'string' || !Object.prototype.hasOwnProperty.call(DTYPES, dtype)) {
      fail(`tensor '${name}' has dtype ${JSON.stringify(dtype)}; only F32 and F64 are read (convert with tensor.float() in PyTorch)`);
    }
    if (!Array.isArray(shape) || !shape.every(isCount)) fail(`tensor '${name}' has shape ${JSON.stringify(shape)}; expected a list of sizes`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
      fail(`tensor '${name}' has data_offsets ${JSON.stringify(offsets)}; expected [begin, end]`);
    }
    let count = 1;
    for (const d of shape as number[]) {
      count *= d;
      if (count + total > max) fail(`tensor '${name}' of shape [${shape}] takes the total past ${max} parameters; if you trust the file, raise it with { maxParameters: … }`);
    }
    total += count;
    const [begin, end] = offsets as [number, number];
    if (end > dataLength) fail(`tensor '${name}' ends at byte ${end} of the data, past its end (${dataLength} bytes; truncated file?)`);
    const size = DTYPES[dtype as SafeDType].bytes;
    if (end - begin !== count * size) fail(`tensor '${name}' of shape [${shape}] ${dtype} needs ${count * size} bytes; its offsets give ${end - begin}`);
    plan.push({ name, dtype: dtype as SafeDType, shape: shape as number[], begin, end });
  }
  // The reference reader refuses holes and overlaps; so does this one.
  const sorted = [...plan].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const p of sorted) {
    if (p.begin !== at) fail(`tensor '${p.name}' starts at byte ${p.begin} of the data, but the previous tensor ends at ${at} (gap or overlap)`);
    at = p.end;
  }
  if (at !== dataLength) fail(`the data is ${dataLength} bytes but the tensors cover ${at}`);
  // No prototype: a tensor named "__proto__" stays a tensor.
  const tensors: StateDict = Object.create(null) as StateDict;
  for (const p of plan) {
    // slice copies into a fresh, aligned buffer: offsets inside the file need not be.
    const buf = bytes.slice(headerEnd + p.begin, headerEnd + p.end).buffer;
    tensors[p.name] = new Tensor(p.dtype === 'F64' ? new Float64Array(buf) : new Float32Array(buf), p.shape);
  }
  return { tensors, metadata };
}
