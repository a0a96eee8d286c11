import { noGrad, variable, type Variable } from '@actgrad/autograd';
import { Tensor, tidy, type DType } from '@actgrad/tensor';
import type { Matrix } from '../data/validate.js';
import { Activation, Linear, Module } from '../module.js';
import { Sequential } from '../sequential.js';

/**
 * What training needs to know about a model, read once from any {@link Module}: its dtype, its
 * input width when declared, and its output activation when declared (`Sequential` declares it;
 * a custom module may set an `outputActivation` property and a `forwardLogits(x)` method).
 */
export interface ModelInfo {
  readonly model: Module;
  /** Class name, for messages. */
  readonly name: string;
  readonly dtype: DType;
  /** Input width, when the model states it (a Sequential starting with Linear, or an `inFeatures` field). */
  readonly inFeatures: number | undefined;
  /** Output activation name, or undefined when the model does not declare one. */
  readonly outputActivation: string | undefined;
  /** Everything but the output activation, when that can be split off (for a fused loss). */
  readonly forwardLogits: ((x: Variable) => Variable) | undefined;
  /** True when the output activation is a built-in one with default options (safe to fuse). */
  readonly fusable: boolean;
}

/** Fields a custom module may declare. */
interface Declares {
  outputActivation?: unknown;
  forwardLogits?: unknown;
  inFeatures?: unknown;
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x !== 'object') return typeof x;
  return x.constructor?.name ?? 'object';
}

/**
 * Checks that `model` can run and (with `needParams`) be trained, saying what is missing, and
 * reads its {@link ModelInfo}. `where` starts every message (`fit`, `evaluate`, …).
 */
export function modelInfo(where: string, model: Module, needParams = false): ModelInfo {
  if (!(model instanceof Module)) {
    throw new Error(`${where}: the model must be a Module (mlp(…), a Sequential or a Module subclass); got ${describe(model)}`);
  }
  const name = model.constructor.name;
  if (typeof (model as { forward?: unknown }).forward !== 'function') {
    throw new Error(`${where}: the model (${name}) has no forward(x) method; a Module subclass must define forward(x: Variable): Variable`);
  }
  const params = model.parameters();
  if (needParams && params.length === 0) {
    throw new Error(`${where}: the model (${name}) has no parameters to train; assign its layers to fields (this.fc = new Linear(2, 8)) or override children() / ownParameters()`);
  }
  const dtype = params[0]?.data.dtype ?? 'float32';
  if (model instanceof Sequential) return sequentialInfo(model, name, dtype);
  const d = model as Module & Declares;
  const act = typeof d.outputActivation === 'string' ? d.outputActivation : undefined;
  const logits = act !== undefined && typeof d.forwardLogits === 'function' ? (d.forwardLogits as (x: Variable) => Variable).bind(model) : undefined;
  const inFeatures = Number.isInteger(d.inFeatures) ? (d.inFeatures as number) : undefined;
  return { model, name, dtype, inFeatures, outputActivation: act, forwardLogits: logits, fusable: logits !== undefined };
}

function sequentialInfo(model: Sequential, name: string, dtype: DType): ModelInfo {
  const layers = model.layers;
  const first = layers[0];
  const last = layers[layers.length - 1];
  const inFeatures = first instanceof Linear ? first.inFeatures : undefined;
  if (last instanceof Activation) {
    // Only a built-in activation with its default options is the exact one a loss fuses.
    const fusable = !last.isCustom && !last.options;
    return { model, name, dtype, inFeatures, outputActivation: last.activationName, forwardLogits: (x) => model.forwardLogits(x), fusable };
  }
  if (last instanceof Linear) return { model, name, dtype, inFeatures, outputActivation: 'linear', forwardLogits: undefined, fusable: false };
  // Ends with another module: its own declaration (if any) names the output; it is not split off.
  const inner = last ? modelInfo(name, last) : undefined;
  return { model, name, dtype, inFeatures, outputActivation: inner?.outputActivation, forwardLogits: undefined, fusable: false };
}

/**
 * Runs the model on the first row of `x` to learn its output width, so any module works
 * without declaring it. A forward that fails or returns a non-matrix is reported with the
 * shapes involved.
 */
export function probeOutputWidth(where: string, info: ModelInfo, x: Matrix, what = 'x'): number {
  if (info.inFeatures !== undefined && x.cols !== info.inFeatures) {
    throw new Error(`${where}: ${what} has ${x.cols} features per row but the model expects ${info.inFeatures}`);
  }
  const row = x.data.slice(0, x.cols);
  const probe = new Tensor(info.dtype === 'float64' ? Float64Array.from(row) : Float32Array.from(row), [1, x.cols]);
  let shape: number[];
  try {
    shape = tidy(() => noGrad(() => [...info.model.forward(variable(probe, { requiresGrad: false })).shape]));
  } catch (err) {
    throw new Error(`${where}: the model (${info.name}) failed on a batch of ${what} of shape [1,${x.cols}]: ${(err as Error).message}`);
  }
  if (shape.length !== 2 || shape[0] !== 1) {
    throw new Error(`${where}: the model (${info.name}) returned shape [${shape.join(',')}] for a batch of shape [1,${x.cols}]; forward must return [batch, outputs]`);
  }
  return shape[1];
}
