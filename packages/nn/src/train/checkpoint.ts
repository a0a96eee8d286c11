import { readFile, writeFile } from 'node:fs/promises';
import type { Variable } from '@actgrad/autograd';
import { Tensor, type FloatArray } from '@actgrad/tensor';
import type { Module } from '../module.js';
import type { Optimizer, OptimizerState } from '../optim/optimizer.js';
import { rngStateProblem, type RngState } from '../random.js';
import type { WeightJSON } from '../serialize-format.js';
import { stateDictProblems } from '../state-dict.js';
import { decodeStateDict, decodeTensor, encodeStateDict, encodeTensor, tensorJSONProblem } from '../tensor-json.js';
import type { EpochLog } from './epoch-log.js';

/** Identifies checkpoint files. */
export const CHECKPOINT_FORMAT = 'actgrad-checkpoint';
/** The checkpoint format version this build writes and reads. */
export const CHECKPOINT_FORMAT_VERSION = 1;

/**
 * Everything `fit` needs to continue a run exactly: the weights, the optimizer's state (moments,
 * step count, learning rate), the epochs done (a schedule's position), and the shuffling
 * generator with the row order it permutes. Plain JSON (tensors as base64 of their bytes), so
 * `JSON.stringify` saves it bit-exact.
 */
export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** Epochs completed; a resumed `fit` starts with this epoch index. */
  epoch: number;
  /** The model's state dict. */
  model: Record<string, WeightJSON>;
  /** {@link OptimizerState} with each buffer keyed by parameter name. */
  optimizer: { type: string; stepCount: number; lr: number; hyper: Record<string, number | boolean>; buffers: Record<string, Record<string, WeightJSON>> };
  /** The shuffling generator's state and the current row order (fit shuffles it in place each epoch). */
  shuffle: { rng: RngState; order: number[] };
  /** The epoch logs so far (without health statistics). */
  history: EpochLog[];
}

/** The live training state a checkpoint is taken from or restored into. */
export interface TrainingState {
  model: Module;
  optimizer: Optimizer;
  epoch: number;
  rng: RngState;
  order: Int32Array;
  history: readonly EpochLog[];
}

function paramNames(where: string, model: Module, optimizer: Optimizer): string[] {
  const byParam = new Map<Variable, string>(model.namedParameters().map(([n, p]) => [p, n]));
  return optimizer.params.map((p, i) => {
    const name = byParam.get(p);
    if (name === undefined) throw new Error(`${where}: the optimizer's parameter ${i} does not belong to the model`);
    return name;
  });
}

/** Takes a checkpoint of a training run (copies everything). */
export function makeCheckpoint(s: TrainingState): Checkpoint {
  const names = paramNames('checkpoint', s.model, s.optimizer);
  const st = s.optimizer.stateDict();
  const buffers: Checkpoint['optimizer']['buffers'] = {};
  for (const [buf, list] of Object.entries(st.buffers)) {
    buffers[buf] = {};
    list.forEach((b, i) => (buffers[buf][names[i]] = encodeTensor(new Tensor(b, [b.length]))));
  }
  return {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_FORMAT_VERSION,
    epoch: s.epoch,
    model: encodeStateDict(s.model.stateDict()),
    optimizer: { type: st.type, stepCount: st.stepCount, lr: st.lr, hyper: st.hyper, buffers },
    shuffle: { rng: { i: s.rng.i, j: s.rng.j, S: [...s.rng.S] }, order: Array.from(s.order) },
    history: s.history.map(({ health: _health, ...rest }) => ({ ...rest, metrics: { ...rest.metrics } })),
  };
}

/** Refuses what is not a checkpoint of this format and version. */
export function checkCheckpointHeader(where: string, ck: unknown): asserts ck is Checkpoint {
  const c = ck as Partial<Checkpoint> | null;
  if (!c || typeof c !== 'object' || c.format !== CHECKPOINT_FORMAT) {
    throw new Error(`${where}: not an actgrad checkpoint (format '${String(c?.format)}'); make one with fit's result.checkpoint() or the saveCheckpoints callback`);
  }
  if (c.version !== CHECKPOINT_FORMAT_VERSION) {
    throw new Error(`${where}: checkpoint format version ${String(c.version)} is not supported; this version of @actgrad/nn reads version ${CHECKPOINT_FORMAT_VERSION}`);
  }
  for (const key of ['model', 'optimizer', 'shuffle'] as const) {
    if (!c[key] || typeof c[key] !== 'object') throw new Error(`${where}: the checkpoint has no ${key} section`);
  }
  if (!Number.isInteger(c.epoch) || c.epoch! < 0) throw new Error(`${where}: the checkpoint's epoch ${String(c.epoch)} is not an integer ≥ 0`);
  if (!Array.isArray(c.history) || c.history.length !== c.epoch) {
    throw new Error(`${where}: the checkpoint's history should list its ${c.epoch} epochs; got ${Array.isArray(c.history) ? c.history.length : 'none'}`);
  }
  const num = (v: unknown) => typeof v === 'number';
  c.history.forEach((h, i) => {
    const ok = h && typeof h === 'object' && h.epoch === i && num(h.loss) && num(h.lr) && num(h.seconds)
      && (h.valLoss === undefined || num(h.valLoss)) && h.metrics && typeof h.metrics === 'object' && Object.values(h.metrics).every(num);
    if (!ok) throw new Error(`${where}: the checkpoint's history entry ${i} is not an epoch log { epoch: ${i}, loss, lr, seconds, metrics }`);
  });
}

/**
 * Checks `ck` against the run it should continue — weights' names, shapes, dtypes and byte
 * counts, the optimizer's type, hyper-parameters and buffers, the generator state and the row
 * order against `rows` — and only then decodes it into `model` and `optimizer`. Returns the
 * epoch to start from, the generator state, the row order and the history so far.
 */
export function restoreCheckpoint(where: string, ck: unknown, model: Module, optimizer: Optimizer, rows: number): { epoch: number; rng: RngState; order: Int32Array; history: EpochLog[] } {
  checkCheckpointHeader(where, ck);
  const problems: string[] = [];
  for (const [name, w] of Object.entries(ck.model)) {
    const p = tensorJSONProblem(w);
    if (p) problems.push(`weight '${name}' ${p}`);
  }
  if (problems.length === 0) for (const p of stateDictProblems(model, ck.model).problems) problems.push(`weight ${p}`);
  const names = paramNames(where, model, optimizer);
  const o = ck.optimizer;
  const headers: Record<string, { length: number; dtype: string }[]> = {};
  for (const [buf, byName] of Object.entries(o.buffers ?? {})) {
    headers[buf] = names.map((n) => {
      const w = byName && Object.hasOwn(byName, n) ? byName[n] : undefined;
      const p = tensorJSONProblem(w);
      if (p || w === undefined || w.shape.length !== 1) {
        problems.push(`optimizer buffer '${buf}' of '${n}' ${p ?? 'is not a 1-D tensor'}`);
        return { length: -1, dtype: '' };
      }
      return { length: w.shape[0], dtype: w.dtype };
    });
  }
  for (const p of optimizer.stateProblems({ ...o, buffers: headers })) problems.push(`optimizer: ${p}`);
  const rngProblem = rngStateProblem(ck.shuffle.rng);
  if (rngProblem) problems.push(`the shuffling generator ${rngProblem}`);
  const order = ck.shuffle.order;
  if (!Array.isArray(order) || order.length !== rows) {
    problems.push(`the run it was saved from trained on ${Array.isArray(order) ? order.length : '?'} rows; this data has ${rows} (resume with the same training data and validation split)`);
  } else {
    const seen = new Uint8Array(rows);
    if (!order.every((v) => Number.isInteger(v) && v >= 0 && v < rows && !seen[v] && (seen[v] = 1))) problems.push('its row order is not a permutation of the rows');
  }
  if (problems.length > 0) throw new Error(`${where}: the checkpoint does not fit this run: ${problems.join('; ')}`);

  // Decode and check every value before writing anything, so a refusal leaves the run as it was.
  const weights = decodeStateDict(where, ck.model);
  const buffers: OptimizerState['buffers'] = {};
  for (const [buf, byName] of Object.entries(o.buffers)) buffers[buf] = names.map((n) => decodeTensor(byName[n], where, `optimizer ${buf} of ${n}`).data as FloatArray);
  const valueProblems = optimizer.stateValueProblems(buffers);
  if (valueProblems.length > 0) throw new Error(`${where}: the checkpoint does not fit this run: ${valueProblems.map((p) => `optimizer: ${p}`).join('; ')}`);
  model.loadStateDict(weights);
  optimizer.loadStateDict({ type: o.type, stepCount: o.stepCount, lr: o.lr, hyper: o.hyper, buffers });
  return { epoch: ck.epoch, rng: ck.shuffle.rng, order: Int32Array.from(order), history: ck.history.map((h) => ({ ...h, metrics: { ...h.metrics } })) };
}

/** Writes a checkpoint to `path` as JSON. */
export async function saveCheckpoint(ck: Checkpoint, path: string): Promise<void> {
  checkCheckpointHeader('saveCheckpoint', ck);
  await writeFile(path, JSON.stringify(ck));
}

/**
 * Reads a checkpoint file for `fit(…, { resume })`. The format is checked here; everything
 * that depends on the model, optimizer and data is checked by `fit` before any weight changes.
 */
export async function loadCheckpointFile(path: string): Promise<Checkpoint> {
  const text = await readFile(path, 'utf8');
  let ck: unknown;
  try {
    ck = JSON.parse(text);
  } catch (err) {
    throw new Error(`loadCheckpointFile: not valid JSON (${(err as Error).message}) (file ${path})`);
  }
  try {
    checkCheckpointHeader('loadCheckpointFile', ck);
  } catch (err) {
    throw new Error(`${(err as Error).message} (file ${path})`);
  }
  return ck;
}
