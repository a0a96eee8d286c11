import type { DType } from '@actgrad/tensor';
import type { MLPConfig } from './sequential.js';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION } from './serialize-format.js';

// A model file is checked whole, as plain data, before anything is allocated for it: the sizes
// a file claims are only believed once they fit a limit and agree with the bytes it carries.

/** Largest model `loadModel` builds unless told otherwise: 50 M parameters (200 MB as float32). */
export const DEFAULT_MAX_PARAMETERS = 50_000_000;
/** Most layers `loadModel` accepts unless told otherwise. */
export const DEFAULT_MAX_LAYERS = 10_000;

/** Bounds on what a file may ask `loadModel` to build. */
export interface ModelLimits {
  /** Refuse a model with more scalar parameters than this (default {@link DEFAULT_MAX_PARAMETERS}). */
  maxParameters?: number;
  /** Refuse a model with more layers than this (default {@link DEFAULT_MAX_LAYERS}). */
  maxLayers?: number;
}

/** A layer as a checked file describes it. */
export type LayerPlan =
  | { type: 'linear'; inFeatures: number; outFeatures: number; bias: boolean; init: string }
  | { type: 'activation'; name: string; options: Record<string, number> | undefined; custom: boolean };

/** One weight as a checked file holds it: its shape and its still-encoded values. */
export interface WeightPlan {
  shape: number[];
  encoding: 'base64' | 'numbers';
  data: string | unknown[];
  /** How many values `data` holds (decoded byte count / element size for base64). */
  count: number;
}

/** A model file that passed every check that needs no allocation. */
export interface ModelPlan {
  dtype: DType;
  layers: LayerPlan[];
  weights: Map<string, WeightPlan>;
  mlp: MLPConfig | undefined;
  parameterCount: number;
}

export function fail(msg: string): never {
  throw new Error(`loadModel: ${msg}`);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function describe(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  const clip = (t: string) => (t.length > 40 ? `${t.slice(0, 40)}…` : t);
  if (Array.isArray(x)) return clip(JSON.stringify(x) ?? 'an array');
  if (typeof x === 'string') return `'${clip(x)}'`;
  if (typeof x === 'number') return String(x);
  return typeof x === 'object' ? 'an object' : `a ${typeof x}`;
}

function size(where: string, key: string, v: unknown, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) fail(`${where}: ${key} must be an integer ≥ 1; got ${describe(v)}`);
  if (v > max) fail(`${where}: ${key} is ${v}, more than maxParameters (${max})`);
  return v;
}

function limitsOf(limits: ModelLimits): Required<ModelLimits> {
  const out = { maxParameters: limits.maxParameters ?? DEFAULT_MAX_PARAMETERS, maxLayers: limits.maxLayers ?? DEFAULT_MAX_LAYERS };
  for (const [k, v] of Object.entries(out)) {
    if (!Number.isSafeInteger(v) || v < 1) throw new Error(`loadModel: option ${k} must be an integer ≥ 1; got ${v}`);
  }
  return out;
}

function checkLayer(l: unknown, i: number): LayerPlan {
  if (!isRecord(l)) fail(`layer ${i} must be an object; got ${describe(l)}`);
  const type = l.type;
  if (type === 'linear') {
    const where = `layer ${i} (linear)`;
    if (typeof l.bias !== 'boolean') fail(`${where}: bias must be true or false; got ${describe(l.bias)}`);
    if (l.init !== undefined && typeof l.init !== 'string') fail(`${where}: init must be a name; got ${describe(l.init)}`);
    return { type, inFeatures: l.inFeatures as number, outFeatures: l.outFeatures as number, bias: l.bias, init: (l.init as string | undefined) ?? 'custom' };
  }
  if (type === 'activation') {
    if (typeof l.name !== 'string' || l.name === '') fail(`layer ${i} (activation): name must be a non-empty string; got ${describe(l.name)}`);
    let options: Record<string, number> | undefined;
    if (l.options !== undefined) {
      if (!isRecord(l.options)) fail(`layer ${i} (activation '${l.name}'): options must be an object; got ${describe(l.options)}`);
      for (const [k, v] of Object.entries(l.options)) {
        if (typeof v !== 'number' || !Number.isFinite(v)) fail(`layer ${i} (activation '${l.name}'): option '${k}' must be a finite number; got ${describe(v)}`);
      }
      options = { ...l.options } as Record<string, number>;
    }
    if (l.custom !== undefined && typeof l.custom !== 'boolean') fail(`layer ${i} (activation): custom must be true or false; got ${describe(l.custom)}`);
    return { type, name: l.name, options, custom: l.custom === true };
  }
  return fail(`layer ${i} has unknown type ${describe(type)}; valid: linear, activation`);
}

/** Checks the Linear sizes against the limit and each other; returns the parameter count. */
function checkSizes(layers: LayerPlan[], max: number): number {
  let total = 0;
  let width: number | undefined;
  layers.forEach((l, i) => {
    if (l.type !== 'linear') return;
    const where = `layer ${i} (linear)`;
    const inF = size(where, 'inFeatures', l.inFeatures, max);
    const outF = size(where, 'outFeatures', l.outFeatures, max);
    if (width !== undefined && inF !== width) fail(`${where} takes ${inF} inputs but the layer before it gives ${width}`);
    width = outF;
    total += inF * outF + (l.bias ? outF : 0);
    if (total > max) {
      fail(`the model would have more than ${max} parameters (layer ${i} alone is ${inF}×${outF}); `
        + 'if you trust the file, raise the limit with loadModel(json, { maxParameters: … })');
    }
  });
  return total;
}

function checkMlp(m: unknown, layers: LayerPlan[]): MLPConfig | undefined {
  if (m === undefined) return undefined;
  const bad = (why: string): never => fail(`config.mlp ${why}`);
  if (!isRecord(m)) return bad(`must be an object; got ${describe(m)}`);
  const strings = (k: string) => Array.isArray(m[k]) && (m[k] as unknown[]).every((s) => typeof s === 'string');
  if (!Array.isArray(m.sizes) || !m.sizes.every((n) => Number.isSafeInteger(n) && n >= 1)) bad('sizes must be integers ≥ 1');
  if (!strings('hidden') || !strings('init')) bad('hidden and init must be lists of names');
  if (typeof m.output !== 'string') bad('output must be a name');
  if (typeof m.seed !== 'string' && typeof m.seed !== 'number') bad('seed must be a string or a number');
  const linear = layers.filter((l) => l.type === 'linear');
  const sizes = linear.length ? [linear[0].inFeatures, ...linear.map((l) => l.outFeatures)] : [];
  if ((m.sizes as number[]).join(',') !== sizes.join(',')) bad(`sizes [${m.sizes}] disagree with the layers [${sizes}]`);
  return structuredClone(m) as unknown as MLPConfig;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function checkWeight(name: string, w: unknown, dtype: DType): WeightPlan {
  const where = `weight '${name}'`;
  if (!isRecord(w)) fail(`${where} must be an object; got ${describe(w)}`);
  if (w.dtype !== dtype) fail(`${where} has dtype ${describe(w.dtype)} but the model is ${dtype}`);
  const shape = w.shape;
  if (!Array.isArray(shape) || shape.length > 8 || !shape.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    fail(`${where} has an invalid shape ${describe(shape)}`);
  }
  if (w.encoding === 'base64') {
    const text = w.data;
    if (typeof text !== 'string' || text.length % 4 !== 0 || !BASE64.test(text)) fail(`${where}: data is not valid base64`);
    const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
    const bytes = (text.length / 4) * 3 - pad;
    const per = dtype === 'float64' ? 8 : 4;
    return { shape: shape as number[], encoding: 'base64', data: text, count: bytes % per === 0 ? bytes / per : -1 };
  }
  if (w.encoding === 'numbers') {
    if (!Array.isArray(w.data)) fail(`${where}: data must be a list of numbers`);
    return { shape: shape as number[], encoding: 'numbers', data: w.data, count: w.data.length };
  }
  return fail(`${where} has unknown encoding ${describe(w.encoding)}; valid: base64, numbers`);
}

/**
 * Checks a parsed model file as plain data: format, version, every layer's type and sizes, the
 * parameter limit, and every weight's dtype, shape and encoded length. Allocates nothing for the
 * model; the weight names are matched against the built layers by the caller.
 */
export function checkModelFile(obj: unknown, limits: ModelLimits = {}): ModelPlan {
  const { maxParameters, maxLayers } = limitsOf(limits);
  if (!isRecord(obj) || obj.format !== MODEL_FORMAT) fail(`not an actgrad model (format '${String(isRecord(obj) ? obj.format : undefined)}')`);
  if (obj.version !== MODEL_FORMAT_VERSION) {
    fail(`file format version ${describe(obj.version)} is not supported; this version of @actgrad/nn reads version ${MODEL_FORMAT_VERSION}`);
  }
  const config = obj.config;
  if (!isRecord(config) || !Array.isArray(config.layers)) fail('config.layers is missing');
  if (config.layers.length > maxLayers) fail(`the model has ${config.layers.length} layers, more than maxLayers (${maxLayers})`);
  const layers = config.layers.map(checkLayer);
  if (!layers.some((l) => l.type === 'linear')) fail('config.layers has no linear layer');
  const parameterCount = checkSizes(layers, maxParameters);
  const mlp = checkMlp(config.mlp, layers);
  if (!isRecord(obj.weights)) fail('weights are missing');
  const entries = Object.entries(obj.weights);
  const first = entries[0]?.[1];
  const dtype: DType = isRecord(first) && first.dtype === 'float64' ? 'float64' : 'float32';
  const weights = new Map<string, WeightPlan>();
  for (const [name, w] of entries) weights.set(name, checkWeight(name, w, dtype));
  return { dtype, layers, weights, mlp, parameterCount };
}
