import type { DType, FloatArray } from '@actgrad/tensor';
import { Activation, Linear, type Module } from './module.js';
import type { MLPConfig } from './mlp-config.js';
import { fromBase64, toBase64 } from './base64.js';

/** Identifies files written by `toJSON`/`saveModel`. */
export const MODEL_FORMAT = 'actgrad-model';
/** The format version this build writes and reads. */
export const MODEL_FORMAT_VERSION = 1;

/** A layer in a saved model's config. */
export type LayerJSON =
  | { type: 'linear'; inFeatures: number; outFeatures: number; bias: boolean; init: string }
  | { type: 'activation'; name: string; options?: Record<string, number | string>; custom?: boolean };

/**
 * One parameter's values. `base64` holds the IEEE-754 bytes, little-endian, so a round trip
 * is bit-exact; `numbers` (also accepted on load) is a plain array, exact as well because
 * every float32 is a double and JSON prints doubles losslessly.
 */
export interface WeightJSON {
  shape: number[];
  dtype: DType;
  encoding: 'base64' | 'numbers';
  data: string | number[];
}

/** The saved form of a model: `JSON.stringify(model)` gives it, `loadModel` reads it. */
export interface ModelJSON {
  format: typeof MODEL_FORMAT;
  version: number;
  config: { layers: LayerJSON[]; mlp?: MLPConfig };
  weights: Record<string, WeightJSON>;
}

function describe(layer: Module, i: number): LayerJSON {
  if (layer instanceof Linear) {
    return { type: 'linear', inFeatures: layer.inFeatures, outFeatures: layer.outFeatures, bias: layer.bias !== null, init: layer.init };
  }
  if (layer instanceof Activation) {
    const out: LayerJSON = { type: 'activation', name: layer.activationName };
    // Numbers and strings (GELU's `approximate`); a learnable option given as a Variable or Tensor
    // (PReLU's α) is saved with the weights instead.
    const plain: Record<string, number | string> = {};
    for (const [k, v] of Object.entries(layer.options ?? {})) if (typeof v === 'number' || typeof v === 'string') plain[k] = v;
    if (Object.keys(plain).length > 0) out.options = plain;
    if (layer.isCustom) out.custom = true;
    return out;
  }
  throw new Error(`toJSON: layer ${i} (${layer.constructor.name}) cannot be saved; only Linear and Activation layers can`);
}

/** Little-endian bytes of `values`, base64-encoded. */
export function encodeFloats(values: FloatArray, offset: number, length: number): string {
  const bytesPer = values instanceof Float64Array ? 8 : 4;
  const view = new DataView(new ArrayBuffer(length * bytesPer));
  for (let i = 0; i < length; i++) {
    if (bytesPer === 8) view.setFloat64(i * 8, values[offset + i], true);
    else view.setFloat32(i * 4, values[offset + i], true);
  }
  return toBase64(new Uint8Array(view.buffer));
}

/**
 * Inverse of {@link encodeFloats}, into `dst` (whose length the caller has checked against the
 * byte count): the index of the first value that is not finite, or −1.
 */
export function decodeFloatsInto(text: string, dst: Float32Array | Float64Array): number {
  const bytes = fromBase64(text);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const wide = dst instanceof Float64Array;
  for (let i = 0; i < dst.length; i++) {
    const v = wide ? view.getFloat64(i * 8, true) : view.getFloat32(i * 4, true);
    if (!Number.isFinite(v)) return i;
    dst[i] = v;
  }
  return -1;
}

/** The JSON form of a Sequential model (see `Sequential.toJSON`). */
export function modelToJSON(model: Module & { layers: Module[]; config?: MLPConfig }): ModelJSON {
  const layers = model.layers.map(describe);
  // The weights are the model's state dict, encoded as any state-dict file encodes it.
  const weights: Record<string, WeightJSON> = {};
  for (const [name, t] of Object.entries(model.stateDict())) {
    weights[name] = { shape: [...t.shape], dtype: t.dtype, encoding: 'base64', data: encodeFloats(t.data, t.offset, t.size) };
  }
  const config: ModelJSON['config'] = { layers };
  if (model.config) config.mlp = structuredClone(model.config);
  return { format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, config, weights };
}
