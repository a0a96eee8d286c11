/**
 * Cost of recording and replaying the graph on a small MLP step: a 2-16-16-1 network, batch 32,
 * ReLU hidden layers, MSE loss, forward + backward through autograd, against the same arithmetic
 * written by hand with tensor ops (no graph). Both run inside `tidy`, alternating in one process.
 *
 *   npx tsx --conditions=source packages/autograd/scripts/step-overhead.ts
 *
 * Prints microseconds per step for both and their ratio (medians over rounds). Machines are
 * shared and noisy: run it in several fresh processes and compare medians.
 */
import { parameter, variable } from '@actgrad/autograd';
import {
  addScaled, getBackend, matmul, mul, randn, sub, sum, tidy, transpose, where, gt, keep, zeros, type Tensor,
} from '@actgrad/tensor';

const X = randn([32, 2], { seed: 1 });
const Y = randn([32, 1], { seed: 2 });
const shapes = [[2, 16], [16], [16, 16], [16], [16, 1], [1]];
const init = shapes.map((s, i) => randn(s, { seed: 10 + i }));
const P = init.map((t) => parameter(t.clone()));
const [W1, b1, W2, b2, W3, b3] = P;

function autogradStep(): void {
  tidy(() => {
    const h1 = variable(X).matmul(W1).add(b1).relu();
    const h2 = h1.matmul(W2).add(b2).relu();
    const d = h2.matmul(W3).add(b3).sub(Y);
    d.mul(d).mean().backward();
  });
}

// The same forward and backward by hand: what the chain rule costs without a graph.
const G = init.map((t) => keep(zeros(t.shape)));
const T = init.map((t) => t.clone());
function handStep(): void {
  tidy(() => {
    const [w1, c1, w2, c2, w3, c3] = T;
    const s1 = matmul(X, w1).add(c1);
    const a1 = where(gt(s1, 0), s1, 0);
    const s2 = matmul(a1, w2).add(c2);
    const a2 = where(gt(s2, 0), s2, 0);
    const d = matmul(a2, w3).add(c3).sub(Y);
    const gOut = mul(d, 2 / d.size);
    const acc = (i: number, g: Tensor) => addScaled(G[i], g, 1);
    acc(5, sum(gOut, 0));
    acc(4, matmul(transpose(a2), gOut));
    const g2 = mul(matmul(gOut, transpose(w3)), gt(s2, 0));
    acc(3, sum(g2, 0));
    acc(2, matmul(transpose(a1), g2));
    const g1 = mul(matmul(g2, transpose(w2)), gt(s1, 0));
    acc(1, sum(g1, 0));
    acc(0, matmul(transpose(X), g1));
    sub(d, 0);
  });
}

function timeIt(fn: () => void, n: number): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  return ((performance.now() - t0) / n) * 1000;
}

const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[xs.length >> 1];
for (let i = 0; i < 3000; i++) { autogradStep(); handStep(); }
const ag: number[] = [];
const hand: number[] = [];
for (let round = 0; round < 15; round++) {
  ag.push(timeIt(autogradStep, 1000));
  hand.push(timeIt(handStep, 1000));
}
const a = median(ag);
const h = median(hand);
console.log(`backend ${getBackend().name}: autograd ${a.toFixed(1)} us/step, by hand ${h.toFixed(1)} us/step, ratio ${(a / h).toFixed(2)}`);
