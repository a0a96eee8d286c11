import { getKernel, type FloatArray } from '@actgrad/tensor';
import { ADAM_ALL_KERNEL, ADAM_KERNEL, type AdamAllKernel, type AdamKernel, type AdamRun, type AdamStep } from './adam-kernel.js';
import { check, Optimizer, type ParamSource, type LearningRate } from './optimizer.js';

/** Options of {@link Adam} and {@link AdamW}. */
export interface AdamOptions {
  /** Learning rate or schedule (default 0.001). */
  lr?: LearningRate;
  /** Decay rates of the first and second moment estimates (default [0.9, 0.999]). */
  betas?: [number, number];
  /** Added to √v̂ in the denominator (default 1e-8). */
  eps?: number;
  /** Adam: L2 penalty added to the gradient (default 0). AdamW: decoupled decay (default 0.01). */
  weightDecay?: number;
}

/** Adam's moments and bias correction, shared by {@link Adam} and {@link AdamW}. */
export abstract class AdamBase extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  private readonly m: FloatArray[];
  private readonly v: FloatArray[];
  /** True for AdamW: the decay shrinks the weights directly instead of entering the moments. */
  protected readonly decoupled: boolean;
  /** Constants handed to a backend's fused Adam step; reused so a step allocates nothing. */
  private readonly fused: AdamStep = { b1: 0, b2: 0, a1: 0, a2: 0, stepSize: 0, invSqrtC2: 0, eps: 0, l2: 0, shrink: 0 };
  /** The runs handed to `adam.stepAll`, one per parameter with a gradient; reused across steps. */
  private readonly runs: AdamRun[] = [];

  protected constructor(name: string, params: ParamSource, opts: AdamOptions, decoupled: boolean) {
    super(name, params, opts.lr ?? 1e-3);
    const [b1, b2] = opts.betas ?? [0.9, 0.999];
    this.beta1 = check(name, 'betas[0]', b1, 0, 1, true);
    this.beta2 = check(name, 'betas[1]', b2, 0, 1, true);
    this.eps = check(name, 'eps', opts.eps ?? 1e-8, 0, Infinity);
    this.weightDecay = check(name, 'weightDecay', opts.weightDecay ?? (decoupled ? 0.01 : 0), 0, Infinity);
    this.decoupled = decoupled;
    this.m = this.allocState();
    this.v = this.allocState();
  }

  protected hyperParams(): Record<string, number | boolean> {
    return { beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay };
  }

  protected stateBuffers(): Record<string, FloatArray[]> {
    return { m: this.m, v: this.v };
  }

  protected override nonNegativeBuffers(): readonly string[] {
    return ['v'];
  }

  /** The step's constants into `this.fused` (call after counting the step). */
  private setConstants(): AdamStep {
    const { lr, beta1: b1, beta2: b2, eps, weightDecay: wd } = this;
    const f = this.fused;
    // Bias correction folded into two constants, as PyTorch does: lr·m̂/(√v̂ + ε) =
    // (lr/c1)·m/(√v/√c2 + ε) with c = 1 − βᵗ.
    f.stepSize = lr / (1 - b1 ** this.stepCount);
    f.invSqrtC2 = 1 / Math.sqrt(1 - b2 ** this.stepCount);
    f.l2 = this.decoupled ? 0 : wd;
    // Loshchilov & Hutter's decoupled decay, applied before the Adam step as PyTorch does.
    f.shrink = this.decoupled ? 1 - lr * wd : 1;
    f.b1 = b1; f.b2 = b2; f.a1 = 1 - b1; f.a2 = 1 - b2; f.eps = eps;
    return f;
  }

  /**
   * Every parameter in one call where the backend offers `adam.stepAll` (the wasm backend's
   * SIMD loop over a table of runs), else one run at a time.
   */
  override step(): void {
    const all = getKernel<AdamAllKernel>(ADAM_ALL_KERNEL);
    if (!all) {
      super.step();
      return;
    }
    const params = this.params, runs = this.runs;
    let count = 0;
    for (let i = 0; i < params.length; i++) {
      const p = params[i];
      let g = p.grad;
      if (!g) continue;
      if (!g.isContiguous()) g = g.contiguous();
      if (!p.data.isContiguous()) throw new Error(`${this.optimizerName}: parameter ${p.name ?? i} is not contiguous`);
      const run = runs[count] ?? (runs[count] = { n: 0, w: p.data.data, wo: 0, g: null, go: 0, m: this.m[i], v: this.v[i] });
      run.n = p.data.size; run.w = p.data.data; run.wo = p.data.offset;
      run.g = g.data; run.go = g.offset; run.m = this.m[i]; run.v = this.v[i];
      count++;
    }
    this.stepCount++;
    const f = this.setConstants();
    if (!all(count, runs, f)) {
      for (let r = 0; r < count; r++) {
        const run = runs[r];
        this.updateRun(run.n, run.w, run.wo, run.g!, run.go, run.m, run.v, f);
      }
    }
    // Gradients may be recycled once the step's tidy ends: hold none of them.
    for (let r = 0; r < count; r++) runs[r].g = null;
  }

  protected update(i: number, w: FloatArray, wo: number, g: FloatArray, go: number, n: number): void {
    // Constants of the step `Optimizer.step` counted (a few operations, beside a loop over the run).
    this.updateRun(n, w, wo, g, go, this.m[i], this.v[i], this.setConstants());
  }

  private updateRun(n: number, w: FloatArray, wo: number, g: FloatArray, go: number, m: FloatArray, v: FloatArray, f: AdamStep): void {
    const fusedStep = getKernel<AdamKernel>(ADAM_KERNEL);
    if (fusedStep && fusedStep(n, w, wo, g, go, m, 0, v, 0, f)) return;
    if (w instanceof Float32Array) adamLoopF32(n, w, wo, g, go, m, v, f);
    else adamLoopF64(n, w, wo, g, go, m, v, f);
  }
}

/** Adam on float64 storage, in double. */
export function adamLoopF64(n: number, w: FloatArray, wo: number, g: FloatArray, go: number, m: FloatArray, v: FloatArray, f: AdamStep): void {
  const { b1, b2, a1, a2, stepSize, invSqrtC2, eps, l2, shrink } = f;
  for (let j = 0; j < n; j++) {
    const wj = w[wo + j];
    const grad = g[go + j] + l2 * wj;
    const mj = b1 * m[j] + a1 * grad;
    const vj = b2 * v[j] + a2 * grad * grad;
    m[j] = mj;
    v[j] = vj;
    w[wo + j] = wj * shrink - (stepSize * mj) / (Math.sqrt(vj) * invSqrtC2 + eps);
  }
}

const fr = Math.fround;

/**
 * Adam on float32 storage in float32 arithmetic, as PyTorch computes it and as the wasm kernel
 * does in SIMD: every +, −, ×, ÷ and √ is rounded to float (the double result of one such
 * operation on floats, rounded once, is the float result), so the two agree bit for bit.
 */
export function adamLoopF32(n: number, w: FloatArray, wo: number, g: FloatArray, go: number, m: FloatArray, v: FloatArray, f: AdamStep): void {
  const b1 = fr(f.b1), b2 = fr(f.b2), a1 = fr(f.a1), a2 = fr(f.a2), stepSize = fr(f.stepSize);
  const c = fr(f.invSqrtC2), eps = fr(f.eps), l2 = fr(f.l2), shrink = fr(f.shrink);
  for (let j = 0; j < n; j++) {
    const wj = w[wo + j];
    const grad = fr(g[go + j] + fr(l2 * wj));
    const mj = fr(fr(b1 * m[j]) + fr(a1 * grad));
    const vj = fr(fr(b2 * v[j]) + fr(fr(a2 * grad) * grad));
    m[j] = mj;
    v[j] = vj;
    w[wo + j] = fr(wj * shrink) - fr(fr(stepSize * mj) / fr(fr(fr(Math.sqrt(vj)) * c) + eps));
  }
}

/**
 * Adam (Kingma & Ba, 2015): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², w ← w − lr·m̂/(√v̂ + ε)
 * with bias-corrected m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ). Weight decay here is the coupled L2 form
 * g + λw; use {@link AdamW} for decoupled decay.
 */
export class Adam extends AdamBase {
  constructor(params: ParamSource, opts: AdamOptions = {}) {
    super('Adam', params, opts, false);
  }
}

/**
 * AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay,
 * w ← w·(1 − lr·λ) − lr·m̂/(√v̂ + ε). Default λ = 0.01.
 */
export class AdamW extends AdamBase {
  constructor(params: ParamSource, opts: AdamOptions = {}) {
    super('AdamW', params, opts, true);
  }
}

