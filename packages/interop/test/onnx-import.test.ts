import { readFileSync } from 'node:fs';
import { activations, defineActivation, noGrad, variable } from '@actgrad/autograd';
import { Activation, Linear, Sequential } from '@actgrad/nn';
import { Tensor, tidy } from '@actgrad/tensor';
import { describe, expect, it } from 'vitest';
import { decodeModel, fromOnnx, toOnnx } from '../src/index.js';
import { encodeModel } from '../src/onnx/encode.js';
import { DT } from '../src/onnx/schema.js';
import { activationCases, modelWith, randomInputs, worstRelative } from './helpers.js';

const FIXTURES = new URL('../fixtures/torch/', import.meta.url).pathname;
const read = (name: string) => new Uint8Array(readFileSync(FIXTURES + name));

/** The model's forward pass on `x` in its own dtype (predict would read x as float32). */
function forward(model: Sequential, x: Tensor): Float32Array | Float64Array {
  return tidy(() => noGrad(() => model.call(x).data.contiguous().data.slice()));
}

function fixture(name: string) {
  const ref = JSON.parse(readFileSync(`${FIXTURES}${name}.json`, 'utf8')) as { dtype: string; input: number[][]; output: number[][] };
  const dtype = ref.dtype === 'float64' ? 'float64' : 'float32';
  const flat = ref.input.flat();
  const x = new Tensor(dtype === 'float64' ? Float64Array.from(flat) : Float32Array.from(flat), [ref.input.length, ref.input[0]!.length]);
  return { x, want: ref.output.flat() };
}

/** Layer names, with an activation's string options (GELU's form): `gelu(approximate=tanh)`. */
const layerNames = (m: Sequential) => m.layers.map((l) => {
  if (l instanceof Linear) return `Linear(${l.inFeatures},${l.outFeatures})`;
  const a = l as Activation;
  const strings = Object.entries(a.options ?? {}).filter(([, v]) => typeof v === 'string' && v !== 'none');
  return strings.length ? `${a.activationName}(${strings.map(([k, v]) => `${k}=${v}`).join(',')})` : a.activationName;
});

const hasGeluTanh = 'approximate' in (activations.gelu.params as object);

describe('fromOnnx on models exported by torch.onnx.export (PyTorch 1.13, opset 17)', () => {
  const cases: [string, string[]][] = [
    ['relu-tanh-softmax', ['Linear(4,8)', 'relu', 'Linear(8,8)', 'tanh', 'Linear(8,3)', 'softmax']],
    ['leaky-elu-selu-sigmoid', ['Linear(4,8)', 'leakyRelu', 'Linear(8,8)', 'elu', 'Linear(8,8)', 'selu', 'Linear(8,2)', 'sigmoid']],
    ['gelu-silu-softplus-logsoftmax', ['Linear(4,8)', 'gelu', 'Linear(8,8)', 'silu', 'Linear(8,8)', 'softplus', 'Linear(8,3)', 'logSoftmax']],
    ['prelu-nobias-linear', ['Linear(4,8)', 'prelu', 'Linear(8,8)', 'prelu', 'Linear(8,2)']],
    ['float64-tanh', ['Linear(4,6)', 'tanh', 'Linear(6,1)']],
  ];
  for (const [name, layers] of cases) {
    it(`${name}: same layers, PyTorch's outputs within 1e-5`, () => {
      const model = fromOnnx(read(`${name}.onnx`));
      expect(layerNames(model)).toEqual(layers);
      const { x, want } = fixture(name);
      const got = forward(model, x);
      expect(got.length).toBe(want.length);
      expect(worstRelative(got, want)).toBeLessThan(1e-5);
    });
  }

  it('reads the options: LeakyReLU 0.2, ELU 0.7, a shared and a per-feature PReLU slope, no bias', () => {
    const m = fromOnnx(read('leaky-elu-selu-sigmoid.onnx'));
    expect((m.layers[1] as Activation).options?.alpha).toBeCloseTo(0.2, 7);
    expect((m.layers[3] as Activation).options?.alpha).toBeCloseTo(0.7, 7);
    const p = fromOnnx(read('prelu-nobias-linear.onnx'));
    expect(Array.from(p.layers[1]!.parameters()[0]!.data.data)).toEqual([Math.fround(0.3)]);
    expect(p.layers[3]!.parameters()[0]!.data.size).toBe(8);
    expect((p.layers[2] as Linear).bias).toBeNull();
  });

  it(hasGeluTanh ? "gelu-tanh: reads torch's tanh GELU" : "gelu-tanh: refuses torch's tanh GELU, which this actgrad lacks, naming the nodes", () => {
    const bytes = read('gelu-tanh.onnx');
    if (!hasGeluTanh) {
      expect(() => fromOnnx(bytes)).toThrow(/'\/1\/Tanh' \(Tanh\).*matches no actgrad activation/);
      return;
    }
    const model = fromOnnx(bytes);
    expect((model.layers[1] as Activation).options).toEqual({ approximate: 'tanh' });
    const { x, want } = fixture('gelu-tanh');
    expect(worstRelative(forward(model, x), want)).toBeLessThan(1e-5);
  });

  it('builds a trainable model: every weight and the PReLU slopes get gradients', () => {
    const model = fromOnnx(read('prelu-nobias-linear.onnx'));
    expect(model.parameterCount()).toBe(4 * 8 + 8 + 1 + 8 * 8 + 8 + 8 * 2 + 2);
    const { x } = fixture('prelu-nobias-linear');
    model.call(variable(x, { requiresGrad: false })).sum().backward();
    for (const [name, p] of model.namedParameters()) {
      expect(p.grad, name).not.toBeNull();
      expect(Array.from(p.grad!.data).some((g) => g !== 0), name).toBe(true);
    }
  });
});

describe('ONNX round trip: actgrad → ONNX → actgrad', () => {
  for (const opset of [17, 20]) {
    for (const c of activationCases()) {
      it(`${c.label} at opset ${opset}`, () => {
        const model = modelWith(c, 'float32');
        const back = fromOnnx(toOnnx(model, { opset }));
        expect(layerNames(back)).toEqual(layerNames(model).filter((n) => n !== 'linear'));
        const x = randomInputs(64, 4, 'float32');
        expect(worstRelative(forward(back, x), forward(model, x))).toBeLessThan(1e-6);
      });
    }
  }

  it('keeps float64 weights bit-exact', () => {
    const model = modelWith('tanh', 'float64');
    const back = fromOnnx(toOnnx(model));
    for (const [[n, a], [, b]] of model.namedParameters().map((p, i) => [p, back.namedParameters()[i]!] as const)) {
      expect(b.data.dtype, n).toBe('float64');
      expect(Array.from(b.data.data), n).toEqual(Array.from(a.data.data));
    }
  });
});

/** A one-node graph around `opType`, written with the package's own encoder. */
function graphWith(opType: string, extra: Partial<{ dims: number[]; count: number; width: number; fill: number }> = {}): Uint8Array {
  const dims = extra.dims ?? [2, 2];
  const w = { name: 'w', dataType: DT.float, dims, values: new Float64Array(extra.count ?? dims.reduce((a, b) => a * b, 1)).fill(extra.fill ?? 0) };
  return encodeModel({
    irVersion: 8, producerName: 't', producerVersion: '0', docString: '', opsetImports: [{ domain: '', version: 17 }],
    graph: {
      name: 'g', initializers: [w],
      nodes: [
        { name: 'mm', opType: 'MatMul', domain: '', inputs: ['x', 'w'], outputs: ['h'], attributes: [] },
        { name: 'odd', opType, domain: '', inputs: ['h'], outputs: ['y'], attributes: [] },
      ],
      inputs: [{ name: 'x', elemType: DT.float, dims: ['batch', extra.width ?? 2] }],
      outputs: [{ name: 'y', elemType: DT.float, dims: ['batch', 2] }],
    },
  });
}

describe('fromOnnx and toOnnx errors', () => {
  it('names an unsupported node and its op type', () => {
    expect(() => fromOnnx(graphWith('Cos'))).toThrow("fromOnnx: node 'odd' (Cos) is not supported");
    expect(() => fromOnnx(graphWith('Softsign'))).toThrow("node 'odd' (Softsign) is not supported");
    // op types are looked up as own properties: an inherited name is just another unknown op
    expect(() => fromOnnx(graphWith('constructor'))).toThrow("node 'odd' (constructor) is not supported");
    expect(() => fromOnnx(graphWith('toString'))).toThrow("node 'odd' (toString) is not supported");
  });

  it('refuses a graph that loops back on itself instead of walking it forever', () => {
    const w = { name: 'w', dataType: DT.float, dims: [2, 2], values: new Float64Array(4) };
    const looped = encodeModel({
      irVersion: 8, producerName: 't', producerVersion: '0', docString: '', opsetImports: [{ domain: '', version: 17 }],
      graph: {
        name: 'g', initializers: [w],
        nodes: [
          { name: 'mm', opType: 'MatMul', domain: '', inputs: ['x', 'w'], outputs: ['h'], attributes: [] },
          { name: 'back', opType: 'Relu', domain: '', inputs: ['h'], outputs: ['x'], attributes: [] },
        ],
        inputs: [{ name: 'x', elemType: DT.float, dims: ['batch', 2] }],
        outputs: [{ name: 'y', elemType: DT.float, dims: ['batch', 2] }],
      },
    });
    expect(() => fromOnnx(looped)).toThrow("fromOnnx: node 'mm' (MatMul) is reached twice: the graph has a cycle");
  });

  it('refuses a truncated file, saying where', () => {
    const bytes = read('relu-tanh-softmax.onnx');
    expect(() => fromOnnx(bytes.subarray(0, bytes.length - 7))).toThrow(/fromOnnx: .*(runs past the end|truncated).*at byte \d+/);
  });

  it('refuses bytes that are not ONNX', () => {
    expect(() => fromOnnx(new TextEncoder().encode('{"format":"actgrad-model"}'))).toThrow(/fromOnnx: /);
    expect(() => fromOnnx(new Uint8Array(0))).toThrow('fromOnnx: not an ONNX model (no graph)');
  });

  it('checks sizes against maxParameters before copying weights', () => {
    expect(() => decodeModel(graphWith('Relu', { dims: [2, 2] }), { maxParameters: 3 })).toThrow(/exceeds the limit of 3 parameters; if you trust the file, raise it with { maxParameters/);
    expect(fromOnnx(graphWith('Relu'), { maxParameters: 4 }).parameterCount()).toBe(4);
  });

  it('refuses a weight whose data does not fill its shape, or that does not fit the input', () => {
    expect(() => fromOnnx(graphWith('Relu', { count: 3 }))).toThrow("tensor 'w' of shape [2, 2] needs 4 values but holds 3");
    expect(() => fromOnnx(graphWith('Relu', { fill: Infinity }))).toThrow("fromOnnx: weight 'w' holds Infinity at index 0");
    expect(() => fromOnnx(graphWith('Relu', { width: 3 }))).toThrow("node 'mm' (MatMul): weight 'w' expects 2 features but receives 3");
  });

  it('names a custom activation ONNX cannot express, and exports it through the hook', async () => {
    const cube = defineActivation({ name: 'cube', forward: (s) => s * s * s, derivative: ({ s }) => 3 * s * s });
    const model = new Sequential([new Linear(2, 3), new Activation(cube)]);
    expect(() => toOnnx(model)).toThrow(/toOnnx: layer 1 uses the custom activation 'cube', which has no ONNX form/);
    const bytes = toOnnx(model, { activations: { cube: (b, x) => b.node('Mul', [x, b.node('Mul', [x, x])]) } });
    const { runOrt } = await import('./helpers.js');
    const x = randomInputs(5, 2, 'float32');
    expect(worstRelative(await runOrt(bytes, x), forward(model, x))).toBeLessThan(1e-5);
  });

  it('refuses unsupported opsets by name', () => {
    expect(() => toOnnx(modelWith('relu', 'float32'), { opset: 11 })).toThrow('toOnnx: opset 11 is not supported; use one of 17, 18, 19, 20, 21');
  });
});
