// 02 · Backward by hand: a few Variables, one backward(), and the gradients checked.
//
//   npx tsx --conditions=source examples/02-backward-by-hand.ts
//
// One neuron, a = tanh(w·x + b), and a squared error L = (a − y)². The chain rule by hand:
//   ∂L/∂a = 2(a − y),  ∂a/∂s = 1 − a²  (tanh saves its output a),  ∂s/∂w = x,  ∂s/∂b = 1.
// Prints each gradient from backward() beside the hand-derived one (they agree to ~1e-7 in
// float32), then `gradcheck ok: true`: central differences in float64 agree with backward().

import { gradcheck, variable, type Variable } from '@actgrad/autograd';
import { tensor } from '@actgrad/tensor';

const x = variable([1.5, -2.0, 0.5]);                          // an input: no gradient needed
const w = variable([0.3, 0.1, -0.4], { requiresGrad: true });  // weights
const b = variable([0.2], { requiresGrad: true });             // bias
const y = 0.5;                                                  // the target

const s = w.mul(x).sum().add(b);    // s = w·x + b
const a = s.tanh();                 // a = tanh(s)
const loss = a.sub(y).pow(2).sum(); // L = (a − y)²
loss.backward();                    // fills w.grad and b.grad

const av = a.item();
const dLds = 2 * (av - y) * (1 - av * av);
const xs = [1.5, -2.0, 0.5];
console.log(`s = ${s.item().toFixed(4)}, a = ${av.toFixed(4)}, L = ${loss.item().toFixed(6)}`);
xs.forEach((xi, i) => {
  const auto = (w.grad!.toArray() as number[])[i]!;
  console.log(`∂L/∂w${i}  backward ${auto.toFixed(6)}   by hand ${(dLds * xi).toFixed(6)}`);
});
console.log(`∂L/∂b   backward ${(b.grad!.toArray() as number[])[0]!.toFixed(6)}   by hand ${dLds.toFixed(6)}`);

// The same function of (w, b), checked numerically: perturb each element by ±1e-6 in float64.
const f = (wv: Variable, bv: Variable) => wv.mul(tensor(xs, { dtype: 'float64' })).sum().add(bv).tanh().sub(y).pow(2).sum();
const check = gradcheck(f, [tensor([0.3, 0.1, -0.4]), tensor([0.2])]);
console.log(`gradcheck ok: ${check.ok} (max relative error ${check.maxRelError.toExponential(1)})`);
