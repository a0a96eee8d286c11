import { activation, activations, variable } from '@actgrad/autograd';
import { Tensor } from '@actgrad/tensor';
import type { OnnxNode } from './schema.js';

/** Elementwise ops an exporter builds activations from (GELU's Erf and tanh forms, SiLU). */
const UNARY: Record<string, (v: number) => number> = {
  Erf: erfScalar, Tanh: Math.tanh, Sigmoid: (v) => 1 / (1 + Math.exp(-v)), Exp: Math.exp, Log: Math.log,
  Sqrt: Math.sqrt, Neg: (v) => -v, Abs: Math.abs, Reciprocal: (v) => 1 / v, Relu: (v) => Math.max(v, 0), Identity: (v) => v,
};
const BINARY: Record<string, (a: number, b: number) => number> = {
  Add: (a, b) => a + b, Sub: (a, b) => a - b, Mul: (a, b) => a * b, Div: (a, b) => a / b, Pow: Math.pow,
};

/** True for ops a composite activation may contain. */
export function isElementwise(opType: string): boolean {
  return Object.hasOwn(UNARY, opType) || Object.hasOwn(BINARY, opType);
}

/**
 * What a composite subgraph is compared against, from the registry: every elementwise built-in
 * without a learned parameter, at its defaults and at each other value of a parameter that lists
 * choices (GELU's tanh form, the day the registry has it).
 */
function candidates(): { name: string; options: Record<string, string> }[] {
  const list: { name: string; options: Record<string, string> }[] = [];
  for (const [name, def] of Object.entries(activations)) {
    const params = Object.entries(def.params as Record<string, { default: unknown; learnable?: boolean; choices?: readonly string[] }>);
    if (!def.elementwise || params.some(([, p]) => p.learnable)) continue;
    list.push({ name, options: {} });
    for (const [key, p] of params) for (const c of p.choices ?? []) if (c !== p.default) list.push({ name, options: { [key]: c } });
  }
  return list;
}

/** Probe points: dense where activations bend (|s| < 3), sparse out to the tails. */
const PROBES = Float64Array.from({ length: 97 }, (_, i) => {
  const t = (i - 48) / 8;
  return Math.sign(t) * (Math.abs(t) <= 3 ? Math.abs(t) : 3 + (Math.abs(t) - 3) ** 2);
});

/**
 * Evaluates `nodes` (elementwise, in graph order) on the probe points fed to `input`, with scalar
 * `constants`; returns the values of `output`.
 */
function evaluate(nodes: OnnxNode[], input: string, output: string, constants: Map<string, number>): Float64Array {
  const values = new Map<string, Float64Array | number>([[input, PROBES]]);
  const at = (v: Float64Array | number, i: number) => (typeof v === 'number' ? v : v[i]!);
  for (const n of nodes) {
    const args = n.inputs.map((name) => values.get(name) ?? constants.get(name)!);
    const out = new Float64Array(PROBES.length);
    const unary = UNARY[n.opType];
    const binary = BINARY[n.opType];
    for (let i = 0; i < out.length; i++) out[i] = unary ? unary(at(args[0]!, i)) : binary!(at(args[0]!, i), at(args[1]!, i));
    values.set(n.outputs[0]!, out);
  }
  return values.get(output) as Float64Array;
}

/**
 * Which actgrad activation the elementwise subgraph `nodes` (input `input`, output `output`)
 * computes, found by evaluating both on probe points: this reads every arrangement exporters
 * write (torch's `Div(x, √2)`, another's `Mul(x, 1/√2)`, operands in either order) without a
 * pattern per arrangement. Constants are often rounded to float32, hence the 1e-5 tolerance;
 * the closest distinct candidates (GELU's two forms) differ by 1e-3 at these points.
 */
export function identifyComposite(nodes: OnnxNode[], input: string, output: string, constants: Map<string, number>) {
  const got = evaluate(nodes, input, output, constants);
  const x = variable(new Tensor(PROBES, [PROBES.length]), { requiresGrad: false });
  for (const c of candidates()) {
    const want = activation(c.name, c.options as never)(x).data.data;
    let ok = true;
    for (let i = 0; i < got.length && ok; i++) ok = Math.abs(got[i]! - want[i]!) <= 1e-5 * Math.max(1, Math.abs(want[i]!));
    if (ok) return c;
  }
  return null;
}

/**
 * erf by Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7): ample for telling activations apart at
 * the 1e-5 tolerance above, and this file's only use of it.
 */
function erfScalar(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const r = 1 - poly * Math.exp(-x * x);
  return x < 0 ? -r : r;
}
