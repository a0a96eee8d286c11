import { readFile } from 'node:fs/promises';
import { parameter } from '@actgrad/autograd';
import { Activation, Linear, Sequential, type Module } from '@actgrad/nn';
import { keep, Tensor, type DType } from '@actgrad/tensor';
import { identifyComposite, isElementwise } from './composite.js';
import { decodeModel, type DecodeLimits } from './decode.js';
import { DT, DT_NAMES, type OnnxAttribute, type OnnxNode, type OnnxTensor } from './schema.js';

/** Options of {@link fromOnnx}. */
export type FromOnnxOptions = DecodeLimits;

/** One layer of the plan, built only once the whole graph has been read and checked. */
type LayerPlan =
  | { kind: 'linear'; inFeatures: number; outFeatures: number; weight: Float64Array; bias: Float64Array | null }
  | { kind: 'activation'; name: string; options: Record<string, number | string>; alpha?: Float64Array };

function fail(msg: string): never {
  throw new Error(`fromOnnx: ${msg}`);
}

const label = (n: OnnxNode) => `node '${n.name || n.outputs[0]}' (${n.opType})`;
const attr = (n: OnnxNode, name: string): OnnxAttribute | undefined => n.attributes.find((a) => a.name === name);
const floatAttr = (n: OnnxNode, name: string, dflt: number) => attr(n, name)?.f ?? dflt;
const intAttr = (n: OnnxNode, name: string, dflt: number) => attr(n, name)?.i ?? dflt;

/** Activation ops with an actgrad counterpart: node → activation name and options. */
const NATIVE: Record<string, (n: OnnxNode, opset: number) => { name: string; options: Record<string, number | string> }> = {
  Relu: () => ({ name: 'relu', options: {} }),
  Sigmoid: () => ({ name: 'sigmoid', options: {} }),
  Tanh: () => ({ name: 'tanh', options: {} }),
  Softplus: () => ({ name: 'softplus', options: {} }),
  LeakyRelu: (n) => ({ name: 'leakyRelu', options: { alpha: floatAttr(n, 'alpha', 0.01) } }),
  Elu: (n) => ({ name: 'elu', options: { alpha: floatAttr(n, 'alpha', 1) } }),
  Selu: (n) => {
    // ONNX's defaults are actgrad's constants rounded to float32; anything else is another function.
    const a = floatAttr(n, 'alpha', 1.67326319217681884765625), g = floatAttr(n, 'gamma', 1.05070102214813232421875);
    if (Math.abs(a - 1.6732632423543772) > 1e-6 || Math.abs(g - 1.0507009873554805) > 1e-6) {
      fail(`${label(n)} has alpha ${a}, gamma ${g}; actgrad's selu has fixed constants (α 1.6733, λ 1.0507)`);
    }
    return { name: 'selu', options: {} };
  },
  Softmax: (n, opset) => ({ name: 'softmax', options: { axis: lastAxis(n, opset) } }),
  LogSoftmax: (n, opset) => ({ name: 'logSoftmax', options: { axis: lastAxis(n, opset) } }),
  Gelu: (n) => {
    const approximate = attr(n, 'approximate')?.s ?? 'none';
    const options: Record<string, string> = approximate === 'none' ? {} : { approximate };
    return { name: 'gelu', options };
  },
};

/** Softmax over `[batch, features]` must normalise the features: axis 1 or −1 (opset < 13 defaults to 1). */
function lastAxis(n: OnnxNode, opset: number): number {
  const axis = intAttr(n, 'axis', opset >= 13 ? -1 : 1);
  if (axis !== -1 && axis !== 1) fail(`${label(n)} normalises axis ${axis}; only the feature axis (1 or -1) of [batch, features] is supported`);
  return -1;
}

/** A float tensor's values, all finite. */
function floats(t: OnnxTensor, what: string): Float64Array {
  if (t.dataType !== DT.float && t.dataType !== DT.double) fail(`${what} '${t.name}' is ${DT_NAMES[t.dataType]}; expected float or double`);
  // A NaN weight would only show up later as NaN predictions; say so here.
  const bad = t.values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) fail(`${what} '${t.name}' holds ${t.values[bad]} at index ${bad}`);
  return t.values;
}

/** Walks the chain input → … → output and turns it into layer plans; no model is built here. */
function plan(bytes: Uint8Array, opts: FromOnnxOptions): { layers: LayerPlan[]; dtype: DType } {
  const model = decodeModel(bytes, opts);
  const g = model.graph;
  const opset = model.opsetImports.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
  if (opset < 7) fail(`opset ${opset} is too old; export with opset 13 or newer`);
  const consts = new Map<string, OnnxTensor>(g.initializers.map((t) => [t.name, t]));
  const nodes: OnnxNode[] = [];
  for (const n of g.nodes) {
    if (n.opType === 'Constant' && n.domain === '') {
      const t = attr(n, 'value')?.t;
      const f = attr(n, 'value_float')?.f;
      if (t) consts.set(n.outputs[0]!, { ...t, name: n.outputs[0]! });
      else if (f !== undefined) consts.set(n.outputs[0]!, { name: n.outputs[0]!, dataType: DT.float, dims: [], values: Float64Array.of(f) });
      else fail(`${label(n)} holds a kind of constant this reader does not take`);
    } else nodes.push(n);
  }
  for (const n of nodes) if (n.outputs.length === 0 || !n.outputs[0]) fail(`${label(n)} has no output`);
  for (const n of nodes) if (n.domain !== '' && n.domain !== 'ai.onnx') fail(`${label(n)} is from the custom domain '${n.domain}'; only standard ONNX ops are read`);
  const inputs = g.inputs.filter((v) => !consts.has(v.name));
  if (inputs.length !== 1 || g.outputs.length !== 1) fail(`an MLP graph has one input and one output; this one has ${inputs.length} and ${g.outputs.length}`);
  const input = inputs[0]!;
  const output = g.outputs[0]!.name;
  if (input.elemType !== DT.float && input.elemType !== DT.double) fail(`input '${input.name}' is ${DT_NAMES[input.elemType] ?? input.elemType}; expected float or double`);
  if (input.dims.length !== 2) fail(`input '${input.name}' has shape [${input.dims.join(', ')}]; an MLP takes [batch, features]`);
  const dtype: DType = input.elemType === DT.double ? 'float64' : 'float32';

  const consumers = new Map<string, OnnxNode[]>();
  for (const n of nodes) for (const i of n.inputs) if (!consts.has(i)) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const used = new Set<OnnxNode>();
  const layers: LayerPlan[] = [];
  let width = typeof input.dims[1] === 'number' ? input.dims[1] : -1;
  let cur = input.name;
  const constOf = (name: string | undefined, what: string, n: OnnxNode) => {
    const t = name === undefined ? undefined : consts.get(name);
    if (!t) fail(`${label(n)}: its ${what} '${name}' is not a constant; only weights stored in the file are read`);
    return t;
  };
  const only = (v: string): OnnxNode | undefined => {
    const c = consumers.get(v) ?? [];
    return c.length === 1 ? c[0] : undefined;
  };
  const addLinear = (n: OnnxNode, w: OnnxTensor, transposed: boolean, scale: number, bias: OnnxTensor | null, biasScale: number) => {
    if (w.dims.length !== 2) fail(`${label(n)}: weight '${w.name}' has shape [${w.dims.join(', ')}]; expected a matrix`);
    const [rows, cols] = w.dims as [number, number];
    const inF = transposed ? cols : rows, outF = transposed ? rows : cols;
    if (inF < 1 || outF < 1) fail(`${label(n)}: weight '${w.name}' has shape [${w.dims.join(', ')}]; a layer needs at least one input and one output`);
    if (width >= 0 && inF !== width) fail(`${label(n)}: weight '${w.name}' expects ${inF} features but receives ${width}`);
    const src = floats(w, 'weight');
    const weight = new Float64Array(inF * outF);
    for (let i = 0; i < inF; i++) for (let j = 0; j < outF; j++) weight[i * outF + j] = scale * src[transposed ? j * cols + i : i * cols + j]!;
    let b: Float64Array | null = null;
    if (bias) {
      const bv = floats(bias, 'bias');
      if (bv.length !== outF && bv.length !== 1) fail(`${label(n)}: bias '${bias.name}' has ${bv.length} values for ${outF} outputs`);
      b = Float64Array.from({ length: outF }, (_, j) => biasScale * bv[bv.length === 1 ? 0 : j]!);
    }
    layers.push({ kind: 'linear', inFeatures: inF, outFeatures: outF, weight, bias: b });
    width = outF;
  };

  while (cur !== output) {
    const next = consumers.get(cur) ?? [];
    if (next.length === 0) fail(`value '${cur}' is not used by any node and is not the graph output '${output}'`);
    const n = next[0]!;
    // A node met twice means the graph loops back on itself (ONNX graphs are acyclic).
    if (used.has(n)) fail(`${label(n)} is reached twice: the graph has a cycle`);
    const single = next.length === 1;
    if (single && n.opType === 'Gemm') {
      if (n.inputs[0] !== cur || intAttr(n, 'transA', 0) !== 0) fail(`${label(n)} multiplies in an order an MLP layer does not (A must be the input, untransposed)`);
      const c = n.inputs[2] ? constOf(n.inputs[2], 'bias C', n) : null;
      addLinear(n, constOf(n.inputs[1], 'weight B', n), intAttr(n, 'transB', 0) === 1, floatAttr(n, 'alpha', 1), c, floatAttr(n, 'beta', 1));
      used.add(n);
      cur = n.outputs[0]!;
    } else if (single && n.opType === 'MatMul' && n.inputs[0] === cur) {
      used.add(n);
      cur = n.outputs[0]!;
      const add = only(cur);
      const other = add?.inputs.find((i) => i !== cur);
      if (add && add.opType === 'Add' && other !== undefined && consts.has(other) && cur !== output) {
        addLinear(n, constOf(n.inputs[1], 'weight', n), false, 1, consts.get(other)!, 1);
        used.add(add);
        cur = add.outputs[0]!;
      } else addLinear(n, constOf(n.inputs[1], 'weight', n), false, 1, null, 1);
    } else if (single && n.opType === 'Identity') {
      used.add(n);
      cur = n.outputs[0]!;
    } else if (single && n.opType === 'PRelu') {
      const slope = floats(constOf(n.inputs[1], 'slope', n), 'slope');
      if (slope.length !== 1 && slope.length !== width) fail(`${label(n)}: slope has ${slope.length} values; expected 1 or ${width} (one per feature)`);
      layers.push({ kind: 'activation', name: 'prelu', options: {}, alpha: slope });
      used.add(n);
      cur = n.outputs[0]!;
    } else if (single && Object.hasOwn(NATIVE, n.opType)) {
      const a = NATIVE[n.opType]!(n, opset);
      layers.push({ kind: 'activation', ...a });
      used.add(n);
      cur = n.outputs[0]!;
    } else {
      cur = composite(nodes, cur, consts, used, layers, output);
    }
  }
  const left = nodes.filter((n) => !used.has(n));
  if (left.length > 0) fail(`${left.map(label).join(', ')} ${left.length === 1 ? 'is' : 'are'} not on the path from input to output`);
  return { layers, dtype };
}

/**
 * Reads the shortest run of elementwise nodes after `cur` that closes into one value (nothing
 * else escapes it), and names the activation it computes. Fails naming the first node that is
 * neither a layer nor part of a known activation.
 */
function composite(nodes: OnnxNode[], cur: string, consts: Map<string, OnnxTensor>, used: Set<OnnxNode>, layers: LayerPlan[], output: string): string {
  const start = nodes.findIndex((n) => !used.has(n) && n.inputs.includes(cur));
  if (start < 0) fail(`value '${cur}' is only read by nodes already used: the graph has a cycle`);
  const region: OnnxNode[] = [];
  const produced = new Set<string>([cur]);
  const scalars = new Map<string, number>();
  for (let k = start; k < nodes.length && region.length < 24; k++) {
    const n = nodes[k]!;
    if (used.has(n)) continue;
    if (!isElementwise(n.opType)) {
      if (region.length > 0) break;
      fail(`${label(n)} is not supported: an MLP here is Gemm or MatMul(+Add) layers and activation ops`);
    }
    for (const i of n.inputs) {
      if (produced.has(i)) continue;
      const t = consts.get(i);
      if (!t || t.values.length !== 1) fail(`${label(n)} reads '${i}', which is neither the layer input nor a scalar constant`);
      scalars.set(i, t.values[0]!);
    }
    region.push(n);
    produced.add(n.outputs[0]!);
    const out = n.outputs[0]!;
    const inside = new Set(region);
    const escapes = [...produced].some((v) => v !== out && nodes.some((m) => !inside.has(m) && !used.has(m) && m.inputs.includes(v)));
    if (escapes || (out !== output && !nodes.some((m) => !inside.has(m) && m.inputs.includes(out)))) continue;
    const found = identifyComposite(region, cur, out, scalars);
    if (found) {
      layers.push({ kind: 'activation', name: found.name, options: found.options });
      for (const r of region) used.add(r);
      return out;
    }
  }
  return fail(`nodes ${region.map((r) => `'${r.name || r.outputs[0]}' (${r.opType})`).join(', ')} compute an elementwise function of '${cur}' that matches no actgrad activation`);
}

/**
 * A trainable {@link Sequential} from an ONNX MLP: `Gemm` (or `MatMul` + `Add`) layers and the
 * activation after each, whether a native op (`Relu`, `LeakyRelu`, `Gelu`, `PRelu`, …) or the
 * decomposed forms exporters write (GELU via `Erf` or `Tanh`, SiLU as `x·Sigmoid(x)`). The whole
 * file is read and checked before any layer is allocated; an unsupported node is an error naming
 * it and its op type.
 */
export function fromOnnx(bytes: Uint8Array, opts: FromOnnxOptions = {}): Sequential {
  const { layers, dtype } = plan(bytes, opts);
  if (!layers.some((l) => l.kind === 'linear')) fail('the graph has no Gemm or MatMul layer');
  const modules: Module[] = layers.map((l, i) => {
    try {
      return buildLayer(l, dtype);
    } catch (err) {
      // e.g. an activation refusing an option value the file holds (ELU's α ≤ 0)
      return fail(`layer ${i}: ${(err as Error).message}`);
    }
  });
  return new Sequential(modules);
}

function buildLayer(l: LayerPlan, dtype: DType): Module {
  if (l.kind === 'linear') {
    const array = (v: Float64Array) => (dtype === 'float64' ? Float64Array.from(v) : Float32Array.from(v));
    const weight = keep(new Tensor(array(l.weight), [l.inFeatures, l.outFeatures]));
    const bias = l.bias ? keep(new Tensor(array(l.bias), [l.outFeatures])) : undefined;
    // `init` records where the weights came from (summary's Init column); no initializer runs.
    return new Linear(l.inFeatures, l.outFeatures, { init: 'onnx', bias: l.bias !== null, dtype, values: { weight, bias } });
  }
  if (l.alpha) {
    const a = keep(new Tensor(dtype === 'float64' ? Float64Array.from(l.alpha) : Float32Array.from(l.alpha), [l.alpha.length]));
    return new Activation('prelu', { alpha: parameter(a, { name: 'prelu.alpha' }) });
  }
  return new Activation(l.name, l.options as never);
}

/** Reads an `.onnx` file with {@link fromOnnx}; errors name the file. */
export async function loadOnnx(path: string, opts: FromOnnxOptions = {}): Promise<Sequential> {
  const bytes = await readFile(path);
  try {
    return fromOnnx(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), opts);
  } catch (err) {
    throw new Error(`${(err as Error).message} (file ${path})`);
  }
}
