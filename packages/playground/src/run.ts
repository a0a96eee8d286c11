import { variable, noGrad } from '@actgrad/autograd';
import {
  Activation, checkPairing, createOptimizer, evaluate, Linear, mlp, predict, resolveLoss, Trainer,
  type PairingIssue, type Sequential,
} from '@actgrad/nn';
import { createRng, ones, tensor, tidy, type Tensor } from '@actgrad/tensor';
import type { Data } from './data.js';
import type { LayerSpec, State } from './state.js';

/** One hidden layer seen on a probe batch: what the layer panels draw. */
export interface LayerView {
  activation: string;
  units: number;
  /** Pre-activations s, [rows × units] row-major, and the activation's slope f'(s) at each. */
  pre: Float32Array;
  slope: Float32Array;
  /** Outputs a over the probe, [rows × units]. */
  post: Float32Array;
}

export interface Metrics {
  trainLoss: number;
  testLoss: number;
  /** Accuracy for classification, R² for regression. */
  trainScore: number;
  testScore: number;
}

const MAX_HISTORY = 1000;

/** Appends to a history; a long one keeps every other point, so charts stay fast and memory bounded. */
function append<T>(values: T[], v: T): void {
  values.push(v);
  if (values.length <= MAX_HISTORY) return;
  let j = 0;
  for (let i = 0; i < values.length; i += 2) values[j++] = values[i];
  values.length = j;
}

/** Samples the layer panels look at (the first rows of the training set). */
const PROBE_ROWS = 256;

/**
 * One network training on one data set, a batch per `step()`, with its histories. The page
 * keeps one (or two, to compare) and drives them in time slices between frames.
 */
export class Run {
  readonly model: Sequential;
  readonly trainer: Trainer;
  readonly issues: PairingIssue[];
  readonly hidden: LayerSpec[];
  steps = 0;
  epoch = 0;
  readonly history: Array<{ step: number } & Metrics> = [];
  /** Per hidden and output Linear layer: ‖∂L/∂W‖ over time, and the fraction of flat units. */
  readonly gradNorms: number[][] = [];
  readonly flatFractions: number[][] = [];
  private readonly order: Int32Array;
  private cursor = 0;
  private readonly rng: () => number;
  private readonly xb: Tensor;
  private readonly yb: Tensor;
  private readonly linears: Linear[];
  // The training rows as flat arrays, read by the batch gather.
  private readonly trainX: ArrayLike<number>;
  private readonly trainY: ArrayLike<number>;

  constructor(readonly state: State, readonly data: Data, hidden: LayerSpec[], initFrom?: Run) {
    this.hidden = hidden;
    const sizes = [data.features, ...hidden.map((l) => l.units), data.kind === 'regression' ? 1 : outputUnits(state, data)];
    this.model = mlp({
      sizes,
      // String parameters (a choice such as GELU's form) pass through as the registry declares them.
      hidden: hidden.map((l) => ({ activation: l.activation, options: Object.keys(l.params).length ? (l.params as Record<string, number>) : undefined })),
      output: state.output,
      seed: state.seed,
    });
    this.linears = this.model.layers.filter((l): l is Linear => l instanceof Linear);
    // Compare mode: the second network starts from the first one's weights, so only the activations differ.
    if (initFrom) copyLinearWeights(initFrom.model, this.model);
    const loss = resolveLoss(state.loss);
    const y = data.train.y.contiguous();
    this.issues = checkPairing(state.output, sizes[sizes.length - 1], loss, { data: y.data, rows: y.shape[0], cols: 1 });
    this.trainer = new Trainer(this.model, { loss, optimizer: createOptimizer(state.optimizer, this.model, state.lr) });
    const n = data.train.x.shape[0];
    const x = data.train.x.contiguous();
    const yAll = data.train.y.contiguous();
    this.trainX = x.data.subarray(x.offset, x.offset + x.size);
    this.trainY = yAll.data.subarray(yAll.offset, yAll.offset + yAll.size);
    const bs = Math.min(state.batchSize, n);
    this.order = Int32Array.from({ length: n }, (_, i) => i);
    this.rng = createRng(`${state.seed}:batches`);
    this.shuffle();
    this.xb = tensor(new Float32Array(bs * data.features), { shape: [bs, data.features] });
    this.yb = tensor(new Float32Array(bs), { shape: [bs] });
    for (let i = 0; i < this.linears.length; i++) {
      this.gradNorms.push([]);
      this.flatFractions.push([]);
    }
  }

  /** Whether a pairing error stops this run from training. */
  get blocked(): boolean {
    return this.issues.some((i) => i.level === 'error');
  }

  private shuffle(): void {
    const o = this.order;
    for (let i = o.length - 1; i > 0; i--) {
      const j = Math.floor(this.rng() * (i + 1));
      const t = o[i];
      o[i] = o[j];
      o[j] = t;
    }
  }

  /** One optimizer step on the next batch (the order is reshuffled at each epoch). */
  step(): number {
    const bs = this.yb.shape[0];
    const f = this.data.features;
    const xs = this.trainX;
    const ys = this.trainY;
    const xb = this.xb.data;
    const yb = this.yb.data;
    for (let i = 0; i < bs; i++) {
      if (this.cursor === this.order.length) {
        this.cursor = 0;
        this.epoch++;
        this.shuffle();
      }
      const r = this.order[this.cursor++];
      for (let k = 0; k < f; k++) xb[i * f + k] = xs[r * f + k];
      yb[i] = ys[r];
    }
    this.steps++;
    return this.trainer.step(this.xb, this.yb);
  }

  /** Records losses, scores and each layer's gradient norm (from the last step's gradients). */
  record(): Metrics {
    // A pairing error (labels the head cannot take) would make the loss itself throw.
    if (this.blocked) return { trainLoss: NaN, testLoss: NaN, trainScore: NaN, testScore: NaN };
    const lossName = this.state.loss;
    const train = evaluate(this.model, this.data.train, { loss: lossName });
    const test = evaluate(this.model, this.data.test, { loss: lossName });
    const score = (r: Record<string, number>) => r.accuracy ?? r.r2 ?? NaN;
    const m = { trainLoss: train.loss, testLoss: test.loss, trainScore: score(train), testScore: score(test) };
    append(this.history, { step: this.steps, ...m });
    // Before the first step there is no gradient to show.
    if (this.steps > 0) this.linears.forEach((l, i) => append(this.gradNorms[i], norm(l.weight.grad)));
    return m;
  }

  /** Outputs for the rows of `x` (probabilities for sigmoid and softmax heads). */
  predict(x: Tensor): Float32Array {
    return predict(this.model, x).data as Float32Array;
  }

  /**
   * Each hidden layer on the probe rows (or on `x`): pre-activations, slopes f'(s) — by running
   * the activation node backward with an upstream gradient of ones — and outputs.
   */
  inspect(x?: Tensor): LayerView[] {
    const input = x ?? this.data.train.x.slice([0, Math.min(PROBE_ROWS, this.data.train.x.shape[0])]);
    const views: LayerView[] = [];
    tidy(() => {
      let h = noGrad(() => variable(input.contiguous(), { requiresGrad: false }));
      const layers = this.model.layers;
      for (let i = 0; i < layers.length; i++) {
        const layer = layers[i];
        if (!(layer instanceof Linear) || views.length === this.hidden.length) break;
        const pre = noGrad(() => layer.forward(h));
        const act = layers[i + 1];
        const s = variable(pre.data, { requiresGrad: true });
        const a = act instanceof Activation ? act.forward(s) : s;
        a.backward(ones(a.shape));
        views.push({
          activation: act instanceof Activation ? act.activationName : 'linear',
          units: pre.shape[1],
          pre: Float32Array.from(pre.data.contiguous().data),
          slope: Float32Array.from(s.grad!.contiguous().data),
          post: Float32Array.from(a.data.contiguous().data),
        });
        h = variable(a.data, { requiresGrad: false });
        if (act instanceof Activation) i++;
      }
    });
    return views;
  }

  /**
   * Records each hidden layer's fraction of flat units: samples where f'(s) is under 4% of the
   * activation's peak slope (saturated sigmoid/tanh tails, ReLU's negative side). A unit flat on
   * every probe sample is dead: no gradient reaches its weights.
   */
  recordHealth(views: LayerView[], peaks: number[]): Array<{ flat: number; dead: number }> {
    return views.map((v, li) => {
      const rows = v.pre.length / v.units;
      const cut = 0.04 * peaks[li];
      let flat = 0;
      let dead = 0;
      for (let j = 0; j < v.units; j++) {
        let unitFlat = 0;
        for (let r = 0; r < rows; r++) if (Math.abs(v.slope[r * v.units + j]) < cut) unitFlat++;
        flat += unitFlat;
        if (unitFlat === rows) dead++;
      }
      const out = { flat: flat / (rows * v.units), dead: dead / v.units };
      append(this.flatFractions[li], out.flat);
      return out;
    });
  }
}

/** Output units: one for binary targets with a sigmoid-like head, one per class otherwise. */
export function outputUnits(state: State, data: Data): number {
  const perClass = state.loss === 'crossEntropy' || state.loss === 'nll' || state.output === 'softmax' || state.output === 'logSoftmax';
  return perClass ? Math.max(2, data.classes) : 1;
}

function norm(t: Tensor | null): number {
  if (!t) return 0;
  const c = t.contiguous();
  let s = 0;
  for (let i = 0; i < c.size; i++) s += c.data[c.offset + i] ** 2;
  return Math.sqrt(s);
}

function copyLinearWeights(from: Sequential, to: Sequential): void {
  const src = new Map(from.namedParameters());
  for (const [name, p] of to.namedParameters()) {
    const q = src.get(name);
    if (q && q.data.size === p.data.size && name.match(/\.(weight|bias)$/)) p.data.data.set(q.data.contiguous().data);
  }
}

/** Each hidden layer's activation module (null for a linear one, which mlp leaves out). */
function hiddenActivationModules(run: Run): Array<Activation | null> {
  const acts: Array<Activation | null> = [];
  const layers = run.model.layers;
  for (let i = 0; i < layers.length && acts.length < run.hidden.length; i++) {
    if (layers[i] instanceof Linear) acts.push(layers[i + 1] instanceof Activation ? (layers[i + 1] as Activation) : null);
  }
  return acts;
}

/** Learnt activation parameters per hidden layer (PReLU's α), by name, as trained so far. */
export function learntParams(run: Run): Array<Array<[string, number]>> {
  return hiddenActivationModules(run).map((act) => (act ? act.namedParameters().map(([n, p]) => [n, p.data.contiguous().data[0]] as [string, number]) : []));
}

/** f and f' of each hidden layer's activation (its own module: PReLU's current α) on [−r, r] (r per layer or one for all). */
export function activationCurves(run: Run, range: number | number[], points = 161): Array<{ s: Float32Array; f: Float32Array; df: Float32Array; peak: number }> {
  return hiddenActivationModules(run).map((act, layer) => tidy(() => {
    const r = typeof range === 'number' ? range : range[layer];
    const s = new Float32Array(points);
    for (let i = 0; i < points; i++) s[i] = -r + (2 * r * i) / (points - 1);
    const v = variable(tensor(s, { shape: [points, 1] }), { requiresGrad: true });
    const a = act ? act.forward(v) : v;
    a.backward(ones(a.shape));
    const f = Float32Array.from(a.data.contiguous().data);
    const df = Float32Array.from(v.grad!.contiguous().data);
    let peak = 0;
    for (let i = 0; i < points; i++) peak = Math.max(peak, Math.abs(df[i]));
    return { s, f, df, peak };
  }));
}
