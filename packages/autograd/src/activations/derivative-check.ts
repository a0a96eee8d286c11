import { full, tensor } from '@actgrad/tensor';
import type { OpDef } from '../op-def.js';

/** Points where a user activation's derivative is compared with its forward: a grid, kinks ± ε, large |s|. */
export function checkPoints(kinks: readonly number[] = []): number[] {
  const points: number[] = [];
  for (let i = 0; i <= 64; i++) points.push(-8 + i * 0.25 + 0.0137);
  for (const k of [0, ...kinks]) for (const e of [1e-3, 1e-2, 0.1]) points.push(k - e, k + e);
  points.push(-50, -20, 20, 50);
  return points;
}

/** What the check found at its worst point. */
export interface DerivativeMismatch {
  readonly s: number;
  readonly derivative: number;
  readonly numeric: number;
}

/**
 * Runs `op` forward and backward in float64 over the check points and compares its derivative with
 * the forward's central difference; returns the worst disagreement beyond the tolerance, or null.
 * The backward sees only what the op saves, so a derivative that reads an unsaved value fails here.
 */
export function worstDerivativeMismatch(op: OpDef<unknown>, forward: (s: number) => number, kinks?: readonly number[]): DerivativeMismatch | null {
  const points = checkPoints(kinks);
  const s = tensor(points, { dtype: 'float64' });
  const a = op.forward([s], null);
  const [dx] = op.backward({ grad: full([points.length], 1, 'float64'), saved: { inputs: [s], output: a }, attrs: null, needsGrad: () => true, gradInto: () => null });
  let worst: DerivativeMismatch | null = null;
  let worstExcess = 0;
  points.forEach((p, i) => {
    const h = 1e-6 * Math.max(1, Math.abs(p));
    const numeric = (forward(p + h) - forward(p - h)) / (2 * h);
    if (!Number.isFinite(numeric)) return;
    const derivative = dx!.data[dx!.offset + i]!;
    const error = Math.abs(derivative - numeric);
    const excess = Number.isNaN(derivative) ? Infinity : error / (1e-4 * (1 + Math.abs(numeric)));
    if (excess > 1 && excess > worstExcess) {
      worstExcess = excess;
      worst = { s: p, derivative, numeric };
    }
  });
  return worst;
}
