import { writeFile } from 'node:fs/promises';
import { Activation, Linear, type Sequential } from '@actgrad/nn';
import { OnnxBuilder } from './builder.js';
import { activationExports, type OnnxActivationWriter } from '../activations.js';
import { encodeModel } from './encode.js';
import { DT, IR_FOR_OPSET, type OnnxNode } from './schema.js';

export { int } from './builder.js';
export type { OnnxActivationWriter };

/** Opsets `toOnnx` writes; ONNX Runtime 1.30 runs all of them. */
export const SUPPORTED_OPSETS = [17, 18, 19, 20, 21] as const;
export const DEFAULT_OPSET = 17;

/** Options of {@link toOnnx}. */
export interface ToOnnxOptions {
  /** ONNX opset (default 17; 17–21). From 20 GELU is the native `Gelu` op. */
  opset?: number;
  /** Name of the graph input (default `input`), shape `[batch, inFeatures]`. */
  inputName?: string;
  /** Name of the graph output (default `output`), shape `[batch, outFeatures]`. */
  outputName?: string;
  /** Symbolic name of the batch dimension (default `batch`); a number fixes the batch size. */
  batch?: string | number;
  /**
   * Subgraphs for custom activations, by activation name: `(b, x) => b.node('Mul', [x, b.node('Sigmoid', [x])])`.
   * Built-ins need none; a custom activation without one is an error naming it.
   */
  activations?: Record<string, OnnxActivationWriter>;
}

function fail(msg: string): never {
  throw new Error(`toOnnx: ${msg}`);
}

function writerFor(layer: Activation, i: number, opts: ToOnnxOptions): OnnxActivationWriter {
  const name = layer.activationName;
  const hook = opts.activations && Object.hasOwn(opts.activations, name) ? opts.activations[name] : undefined;
  if (hook) return hook;
  if (!layer.isCustom && Object.prototype.hasOwnProperty.call(activationExports, name)) {
    return activationExports[name as keyof typeof activationExports].onnx;
  }
  return fail(
    `layer ${i} uses the custom activation '${name}', which has no ONNX form; pass its subgraph as ` +
      `toOnnx(model, { activations: { ${name}: (b, x) => b.node('Sigmoid', [x]) } }) built from standard ONNX ops`,
  );
}

/** Renames value `from` to `to` everywhere (the last layer's output becomes the graph output). */
function rename(nodes: OnnxNode[], from: string, to: string): void {
  for (const n of nodes) {
    n.inputs = n.inputs.map((v) => (v === from ? to : v));
    n.outputs = n.outputs.map((v) => (v === from ? to : v));
  }
}

/**
 * The model as ONNX bytes: each `Linear` a `Gemm` (weights as stored, `[in, out]`, so no
 * transpose) or a `MatMul` without bias, each activation the ops in {@link activationExports}.
 * The input `[batch, in]` has a symbolic batch dimension; float32 or float64 as the model is.
 *
 * ```ts
 * await writeFile('model.onnx', toOnnx(model, { opset: 20 }));
 * ```
 */
export function toOnnx(model: Sequential, opts: ToOnnxOptions = {}): Uint8Array {
  const opset = opts.opset ?? DEFAULT_OPSET;
  if (!(SUPPORTED_OPSETS as readonly number[]).includes(opset)) fail(`opset ${opset} is not supported; use one of ${SUPPORTED_OPSETS.join(', ')}`);
  // The Linear weights fix the graph's float type; an untrained PReLU α follows it, as in actgrad's forward.
  const linears = model.linearLayers();
  if (linears.length === 0) fail('the model has no Linear layer');
  const dtype = linears[0]!.weight.data.dtype;
  for (const [name, p] of model.namedParameters()) {
    if (p.data.dtype !== dtype && !name.endsWith('.alpha')) fail(`parameter '${name}' is ${p.data.dtype} but the model is ${dtype}; an ONNX graph here has one float type`);
  }
  const inputName = opts.inputName ?? 'input';
  const outputName = opts.outputName ?? 'output';
  if (inputName === outputName) fail(`input and output need different names (both '${inputName}')`);
  const b = new OnnxBuilder(opset, dtype === 'float64' ? 'float64' : 'float32');
  let x = inputName;
  model.layers.forEach((layer, i) => {
    b.scope = `layers.${i}`;
    if (layer instanceof Linear) {
      const w = layer.weight.data.contiguous();
      const weight = b.initializer(`${b.scope}.weight`, w.data.subarray(w.offset, w.offset + w.size), [layer.inFeatures, layer.outFeatures]);
      if (layer.bias) {
        const bt = layer.bias.data.contiguous();
        const bias = b.initializer(`${b.scope}.bias`, bt.data.subarray(bt.offset, bt.offset + bt.size), [layer.outFeatures]);
        x = b.node('Gemm', [x, weight, bias]);
      } else x = b.node('MatMul', [x, weight]);
    } else if (layer instanceof Activation) {
      x = writerFor(layer, i, opts)(b, x, layer);
    } else fail(`layer ${i} is a ${layer.constructor.name}; only Linear and Activation layers are exported`);
  });
  if (x === inputName) x = b.node('Identity', [x]);
  rename(b.nodes, x, outputName);
  const elemType = dtype === 'float64' ? DT.double : DT.float;
  const batch = opts.batch ?? 'batch';
  return encodeModel({
    irVersion: IR_FOR_OPSET[opset]!,
    producerName: 'actgrad',
    producerVersion: '0.1.0',
    docString: `actgrad MLP: ${model.layers.map((l) => (l instanceof Linear ? `Linear(${l.inFeatures}, ${l.outFeatures})` : (l as Activation).activationName)).join(' → ')}`,
    opsetImports: [{ domain: '', version: opset }],
    graph: {
      name: 'actgrad',
      nodes: b.nodes,
      initializers: b.initializers,
      inputs: [{ name: inputName, elemType, dims: [batch, model.inFeatures] }],
      outputs: [{ name: outputName, elemType, dims: [batch, model.outFeatures] }],
    },
  });
}

/** Writes {@link toOnnx}'s bytes to `path`. */
export async function saveOnnx(model: Sequential, path: string, opts: ToOnnxOptions = {}): Promise<void> {
  await writeFile(path, toOnnx(model, opts));
}

