import type { ActivationDef } from '@actgrad/autograd';
import type { DType, FloatArray } from '@actgrad/tensor';
import { Activation, Linear, type Module } from './module.js';
import { Sequential } from './sequential.js';
import { decodeFloats, MODEL_FORMAT, MODEL_FORMAT_VERSION, type LayerJSON, type ModelJSON } from './serialize-format.js';

/** Options of {@link loadModel}. */
export interface LoadOptions {
  /** User-defined activations by name, for models saved with custom activations. */
  activations?: Record<string, ActivationDef>;
}

function fail(msg: string): never {
  throw new Error(`loadModel: ${msg}`);
}

function buildLayer(l: LayerJSON, i: number, opts: LoadOptions, dtype: DType): Module {
  if (l?.type === 'linear') {
    const { inFeatures, outFeatures } = l;
    if (!Number.isInteger(inFeatures) || !Number.isInteger(outFeatures)) fail(`layer ${i} (linear) has invalid sizes`);
    // The saved weights overwrite these, so the cheapest initializer will do.
    const layer = new Linear(inFeatures, outFeatures, { init: 'zeros', bias: l.bias !== false, dtype });
    (layer as { init: string }).init = l.init;
    return layer;
  }
  if (l?.type === 'activation') {
    const custom = opts.activations?.[l.name];
    if (custom) return new Activation(custom, l.options);
    try {
      return new Activation(l.name, l.options);
    } catch (err) {
      if (l.custom) {
        fail(`layer ${i} uses the custom activation '${l.name}'; pass it as loadModel(json, { activations: { ${l.name}: def } })`);
      }
      throw err;
    }
  }
  return fail(`layer ${i} has unknown type '${(l as { type?: unknown })?.type}'`);
}

/**
 * Rebuilds a model from `model.toJSON()` (or its JSON text): same layers, bit-identical weights,
 * so it predicts exactly as the original. Refuses other formats and versions, and weights whose
 * names, shapes or byte counts do not match the config, with a message saying which.
 */
export function loadModel(json: ModelJSON | string, opts: LoadOptions = {}): Sequential {
  let obj: ModelJSON;
  try {
    obj = typeof json === 'string' ? (JSON.parse(json) as ModelJSON) : json;
  } catch (err) {
    return fail(`not valid JSON (${(err as Error).message})`);
  }
  if (!obj || typeof obj !== 'object' || obj.format !== MODEL_FORMAT) fail(`not an actgrad model (format '${String(obj?.format)}')`);
  if (obj.version !== MODEL_FORMAT_VERSION) {
    fail(`file format version ${obj.version} is not supported; this version of @actgrad/nn reads version ${MODEL_FORMAT_VERSION}`);
  }
  if (!obj.config || !Array.isArray(obj.config.layers)) fail('config.layers is missing');
  if (!obj.weights || typeof obj.weights !== 'object') fail('weights are missing');
  const dtype: DType = Object.values(obj.weights)[0]?.dtype === 'float64' ? 'float64' : 'float32';
  const model = new Sequential(obj.config.layers.map((l, i) => buildLayer(l, i, opts, dtype)));
  if (obj.config.mlp) model.config = structuredClone(obj.config.mlp);
  const params = model.namedParameters();
  const expected = new Set(params.map(([n]) => n));
  for (const name of Object.keys(obj.weights)) if (!expected.has(name)) fail(`weight '${name}' does not belong to the model`);
  for (const [name, p] of params) {
    const w = obj.weights[name];
    if (!w) fail(`weight '${name}' is missing`);
    const shape = p.data.shape;
    if (!Array.isArray(w.shape) || w.shape.join(',') !== shape.join(',')) {
      fail(`weight '${name}' has shape [${w.shape}] but the config expects [${shape.join(',')}]`);
    }
    if (w.dtype !== p.data.dtype) fail(`weight '${name}' has dtype '${w.dtype}' but the model is ${p.data.dtype}`);
    let values: FloatArray | null;
    if (w.encoding === 'numbers' && Array.isArray(w.data)) {
      values = w.data.length === p.data.size ? Float64Array.from(w.data) : null;
    } else if (w.encoding === 'base64' && typeof w.data === 'string') {
      values = decodeFloats(w.data, w.dtype, p.data.size);
    } else return fail(`weight '${name}' has unknown encoding '${w.encoding}'`);
    if (!values) fail(`weight '${name}' holds the wrong number of values for shape [${shape.join(',')}]`);
    const dst = p.data.data;
    for (let i = 0; i < values.length; i++) dst[p.data.offset + i] = values[i];
  }
  return model;
}

// node:fs is imported where it is used, so the package loads in a browser (where only
// loadModel and model.toJSON() apply) without a Node built-in in its bundle.

/** Writes `model.toJSON()` to `path` as JSON (Node.js). */
export async function saveModel(model: Sequential, path: string): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(path, JSON.stringify(model.toJSON()));
}

/** Reads a file written by {@link saveModel} (Node.js); errors name the file. */
export async function loadModelFile(path: string, opts: LoadOptions = {}): Promise<Sequential> {
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(path, 'utf8');
  try {
    return loadModel(text, opts);
  } catch (err) {
    throw new Error(`${(err as Error).message} (file ${path})`);
  }
}
