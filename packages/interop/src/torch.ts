import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Activation, Linear, type Sequential } from '@actgrad/nn';
import { keep, Tensor } from '@actgrad/tensor';
import { activationExports, preluAlpha } from './activations.js';
import { readSafetensors, writeSafetensors, type SafetensorsLimits, type StateDict } from './safetensors.js';
import { torchModelPy } from './torch-py.js';

function fail(where: string, msg: string): never {
  throw new Error(`${where}: ${msg}`);
}

/** Output activations PyTorch's losses apply themselves (CrossEntropyLoss, BCEWithLogitsLoss). */
export const LOSS_FUSED_OUTPUTS = ['softmax', 'logSoftmax', 'sigmoid'];

/** A contiguous copy of `rows × cols` data transposed, in `dtype`. */
function transposed(t: Tensor, rows: number, cols: number): Tensor {
  const c = t.contiguous();
  const out = c.dtype === 'float64' ? new Float64Array(rows * cols) : new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = c.data[c.offset + i * cols + j]!;
  return new Tensor(out, [cols, rows]);
}

/**
 * The model's weights as PyTorch's `nn.Sequential` would name and lay them out: layer `i` of
 * the actgrad model is module `i`, a Linear's weight is `[out, in]` (actgrad stores `[in, out]`),
 * a PReLU's slope is `i.weight`.
 */
export function torchStateDict(model: Sequential): StateDict {
  const dict: StateDict = {};
  model.layers.forEach((layer, i) => {
    if (layer instanceof Linear) {
      dict[`${i}.weight`] = transposed(layer.weight.data, layer.inFeatures, layer.outFeatures);
      if (layer.bias) dict[`${i}.bias`] = layer.bias.data.contiguous();
    } else if (layer instanceof Activation) {
      if (layer.activationName === 'prelu' && !layer.isCustom) {
        const a = preluAlpha(layer);
        const dtype = model.linearLayers()[0]?.weight.data.dtype ?? 'float32';
        dict[`${i}.weight`] = new Tensor(dtype === 'float64' ? Float64Array.from(a) : Float32Array.from(a), [a.length]);
      } else if (layer.parameters().length > 0) fail('toTorch', `layer ${i} ('${layer.activationName}') has parameters PyTorch has no module for`);
    } else fail('toTorch', `layer ${i} is a ${layer.constructor.name}; only Linear and Activation layers are exported`);
  });
  return dict;
}

/** Python source of each layer's module, e.g. `nn.Linear(4, 8)`; custom activations fail naming themselves. */
export function torchModules(model: Sequential): string[] {
  return model.layers.map((layer, i) => {
    if (layer instanceof Linear) return `nn.Linear(${layer.inFeatures}, ${layer.outFeatures}${layer.bias ? '' : ', bias=False'})`;
    const act = layer as Activation;
    const entry = act.isCustom ? undefined : (activationExports as Record<string, { torch: (l: Activation) => string }>)[act.activationName];
    if (!entry) fail('toTorch', `layer ${i} uses the custom activation '${act.activationName}', which has no torch.nn module; write it into model.py by hand`);
    return entry.torch(act);
  });
}

/**
 * Writes `dir/model.safetensors` (the {@link torchStateDict}, `__metadata__` `{ format: 'pt' }`)
 * and `dir/model.py` (an `nn.Sequential` with the same modules and a `load()` that reads the
 * weights), so training continues in PyTorch:
 *
 * ```python
 * from model import load
 * model = load()                                 # the exported model, softmax/sigmoid included
 * model = load(include_output_activation=False)  # logits, for CrossEntropyLoss / BCEWithLogitsLoss
 * ```
 */
export async function toTorch(model: Sequential, dir: string): Promise<{ safetensors: string; python: string }> {
  const modules = torchModules(model);
  const dict = torchStateDict(model);
  const dtype = model.linearLayers()[0]?.weight.data.dtype ?? 'float32';
  await mkdir(dir, { recursive: true });
  const safetensors = join(dir, 'model.safetensors');
  const python = join(dir, 'model.py');
  await writeFile(safetensors, writeSafetensors(dict, { format: 'pt', producer: 'actgrad' }));
  await writeFile(python, torchModelPy(modules, dtype, LOSS_FUSED_OUTPUTS.includes(model.outputActivation) && model.outputActivationLayer !== undefined));
  return { safetensors, python };
}

/**
 * Copies a PyTorch state dict (names and layout of {@link torchStateDict}) into `model`, which
 * must have the same layers. Every name must match and every shape agree; nothing is written
 * until all have been checked.
 */
export function loadStateDict(model: Sequential, dict: StateDict): Sequential {
  const where = 'loadStateDict';
  const expected = torchStateDict(model);
  for (const name of Object.keys(dict)) if (!(name in expected)) fail(where, `'${name}' is not a parameter of this model; it has ${Object.keys(expected).join(', ')}`);
  for (const [name, want] of Object.entries(expected)) {
    const got = dict[name];
    if (!got) fail(where, `'${name}' is missing from the state dict`);
    const c = got.contiguous();
    for (let k = 0; k < c.size; k++) {
      if (!Number.isFinite(c.data[c.offset + k])) fail(where, `'${name}' holds ${c.data[c.offset + k]} at index ${k}`);
    }
    if (got.shape.join(',') !== want.shape.join(',')) {
      const hint = name.endsWith('.weight') && want.ndim === 2 ? ' (PyTorch layout [out, in])' : '';
      fail(where, `'${name}' has shape [${got.shape.join(', ')}] but the model expects [${want.shape.join(', ')}]${hint}`);
    }
  }
  model.layers.forEach((layer, i) => {
    if (layer instanceof Linear) {
      copyInto(layer.weight.data, transposed(dict[`${i}.weight`]!, layer.outFeatures, layer.inFeatures));
      if (layer.bias) copyInto(layer.bias.data, dict[`${i}.bias`]!);
    } else if (`${i}.weight` in expected) {
      // PReLU's α: replaced whole, in the model's dtype (an untrained α may still be float32).
      const p = layer.parameters()[0]!;
      const src = dict[`${i}.weight`]!.contiguous();
      const dtype = expected[`${i}.weight`]!.dtype;
      const values = src.data.subarray(src.offset, src.offset + src.size);
      p.data = keep(new Tensor(dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values), [...p.data.shape]));
    }
  });
  return model;
}

function copyInto(dst: Tensor, src: Tensor): void {
  const s = src.contiguous();
  for (let i = 0; i < dst.size; i++) dst.data[dst.offset + i] = s.data[s.offset + i]!;
}

/** Reads a `.safetensors` file written by PyTorch (or {@link toTorch}) into `model`; errors name the file. */
export async function loadTorchWeights(model: Sequential, path: string, limits: SafetensorsLimits = {}): Promise<Sequential> {
  const bytes = await readFile(path);
  try {
    return loadStateDict(model, readSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), limits).tensors);
  } catch (err) {
    throw new Error(`${(err as Error).message} (file ${path})`);
  }
}
