import type { ActivationDef } from '@actgrad/autograd';
import { empty, keep, type Tensor } from '@actgrad/tensor';
import { checkModelFile, fail, type LayerPlan, type ModelLimits, type ModelPlan, type WeightPlan } from './model-file.js';
import { Activation, Linear, type Module } from './module.js';
import { Sequential } from './sequential.js';
import { decodeFloatsInto, type ModelJSON } from './serialize-format.js';
import { STATE_DICT_FORMAT, stateDictToJSON } from './state-dict-file.js';

/** Options of {@link loadModel}. */
export interface LoadOptions extends ModelLimits {
  /** User-defined activations by name, for models saved with custom activations. */
  activations?: Record<string, ActivationDef>;
}

/** Options of {@link loadModelFile}. */
export interface LoadFileOptions extends LoadOptions {
  /** Refuse a file larger than this many bytes before reading it (default 512 MiB). */
  maxFileBytes?: number;
}

const DEFAULT_MAX_FILE_BYTES = 512 * 1024 * 1024;

function buildActivation(l: Extract<LayerPlan, { type: 'activation' }>, i: number, opts: LoadOptions,
  learned: Record<string, Tensor> = {}): Activation {
  const user = opts.activations;
  const custom = user !== undefined && Object.hasOwn(user, l.name) ? user[l.name] : undefined;
  try {
    return new Activation(custom ?? l.name, { ...l.options, ...learned });
  } catch (err) {
    if (l.custom && custom === undefined) {
      fail(`layer ${i} uses the custom activation '${l.name}'; pass it as loadModel(json, { activations: { ${l.name}: def } })`);
    }
    return fail(`layer ${i}: ${(err as Error).message}`);
  }
}

/** The weight named `name`, checked against the shape the built layer expects, decoded into fresh storage. */
function takeWeight(plan: ModelPlan, name: string, shape: readonly number[]): Tensor {
  const w: WeightPlan | undefined = plan.weights.get(name);
  if (!w) fail(`weight '${name}' is missing`);
  if (w.shape.join(',') !== shape.join(',')) fail(`weight '${name}' has shape [${w.shape}] but the config expects [${shape.join(',')}]`);
  let n = 1;
  for (const d of shape) n *= d;
  if (w.count !== n) fail(`weight '${name}' holds the wrong number of values for shape [${shape.join(',')}]`);
  const t = keep(empty(shape, plan.dtype));
  const bad = w.encoding === 'base64' ? decodeFloatsInto(w.data as string, t.data) : copyNumbers(w.data as unknown[], t.data);
  if (bad >= 0) fail(`weight '${name}' holds a value that is not a finite ${plan.dtype} at index ${bad}`);
  return t;
}

/** [1] or [features], whichever the file holds: the shapes a per-feature parameter may take. */
function perFeatureShape(plan: ModelPlan, name: string, features: number): number[] {
  const shape = plan.weights.get(name)?.shape ?? [1];
  if (shape.length === 1 && (shape[0] === 1 || shape[0] === features)) return shape;
  return fail(`weight '${name}' has shape [${shape}] but the layer takes ${features} features (expected [1] or [${features}])`);
}

/** Copies a checked-length list into `dst`; the index of the first non-finite value, or −1. */
function copyNumbers(src: unknown[], dst: Float32Array | Float64Array): number {
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (typeof v !== 'number') return i;
    dst[i] = v;
    if (!Number.isFinite(dst[i])) return i;
  }
  return -1;
}

/** Builds the layers of a checked plan; weights are decoded straight into their storage, no initializer runs. */
function build(plan: ModelPlan, opts: LoadOptions): Sequential {
  const expected = new Set<string>();
  // Activations first: they are cheap, and their names and options are checked before any weight is decoded.
  const acts = plan.layers.map((l, i) => (l.type === 'activation' ? buildActivation(l, i, opts) : null));
  for (let i = 0; i < plan.layers.length; i++) {
    const l = plan.layers[i];
    const local: string[] = l.type === 'linear' ? (l.bias ? ['weight', 'bias'] : ['weight'])
      : acts[i]!.namedParameters().map(([n]) => n);
    for (const n of local) expected.add(`layers.${i}.${n}`);
  }
  for (const name of plan.weights.keys()) if (!expected.has(name)) fail(`weight '${name}' does not belong to the model`);
  for (const name of expected) if (!plan.weights.has(name)) fail(`weight '${name}' is missing`);
  let features = plan.layers.find((l) => l.type === 'linear')!.inFeatures;
  const layers: Module[] = plan.layers.map((l, i) => {
    const at = `layers.${i}.`;
    if (l.type === 'activation') {
      const names = acts[i]!.namedParameters().map(([n]) => n);
      if (names.length === 0) return acts[i]!;
      // A learnable parameter (PReLU's α) is built from the file's values, in the model's dtype:
      // one value shared by all features, or one per feature of the layer's input.
      const learned: Record<string, Tensor> = {};
      for (const n of names) learned[n] = takeWeight(plan, at + n, perFeatureShape(plan, at + n, features));
      return buildActivation(l, i, opts, learned);
    }
    features = l.outFeatures;
    const weight = takeWeight(plan, `${at}weight`, [l.inFeatures, l.outFeatures]);
    const bias = l.bias ? takeWeight(plan, `${at}bias`, [l.outFeatures]) : undefined;
    return new Linear(l.inFeatures, l.outFeatures, { bias: l.bias, dtype: plan.dtype, init: l.init, values: { weight, bias } });
  });
  const model = new Sequential(layers);
  if (plan.mlp) model.config = plan.mlp;
  return model;
}

/**
 * Rebuilds a model from `model.toJSON()` (or its JSON text): same layers, bit-identical weights,
 * so it predicts exactly as the original.
 *
 * The whole file is checked before anything is allocated for it — format, version, every layer's
 * type and sizes, the parameter limit, every weight's name, dtype, shape and byte length, and that
 * every value is finite — and weights are then decoded straight into their storage, with no
 * initializer run. Anything wrong throws an `Error` whose message starts with `loadModel:` and
 * names the problem. A file asking for more than `maxParameters` (default 50 M) is refused.
 */
export function loadModel(json: ModelJSON | string, opts: LoadOptions = {}): Sequential {
  let obj: unknown;
  if (typeof json === 'string') {
    try {
      obj = JSON.parse(json);
    } catch (err) {
      return fail(`not valid JSON (${(err as Error).message})`);
    }
  } else obj = json;
  if ((obj as { format?: unknown } | null)?.format === STATE_DICT_FORMAT) {
    fail('the file holds a state dict (weights without layers); construct the model and call loadStateDictFile(model, path)');
  }
  return build(checkModelFile(obj, opts), opts);
}

// node:fs is imported where it is used, so the package loads in a browser (where only
// loadModel and model.toJSON() apply) without a Node built-in in its bundle.

/**
 * Writes a model to `path` as JSON: a Sequential with its layers and weights (`loadModelFile`
 * rebuilds it); any other Module as its state dict (construct the model, then `loadStateDictFile`).
 *
 * @example
 * ```ts
 * await saveModel(model, 'moons.json');
 * const again = await loadModelFile('moons.json');  // predicts exactly as `model` does
 * ```
 */
export async function saveModel(model: Module, path: string): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(path, JSON.stringify(model instanceof Sequential ? model.toJSON() : stateDictToJSON(model)));
}

/**
 * Reads a file written by {@link saveModel} with the checks of {@link loadModel}; a file larger than
 * `maxFileBytes` is refused before it is read. Errors name the file.
 */
export async function loadModelFile(path: string, opts: LoadFileOptions = {}): Promise<Sequential> {
  const limit = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const { readFile, stat } = await import('node:fs/promises');
  try {
    const { size } = await stat(path);
    if (size > limit) fail(`the file is ${size} bytes, more than maxFileBytes (${limit}); raise it with loadModelFile(path, { maxFileBytes: … }) if you trust the file`);
    return loadModel(await readFile(path, 'utf8'), opts);
  } catch (err) {
    throw new Error(`${(err as Error).message} (file ${path})`);
  }
}
