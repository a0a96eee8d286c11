import { activation, activationNames, variable } from '@actgrad/autograd';
import { Adam, Linear, mlp, predict, SGD, Trainer, type Sequential } from '@actgrad/nn';
import { backendNames, copyInto, empty, matmul, setBackend, Tensor, tensor, tidy, type Backend } from '@actgrad/tensor';
import type { PeakLoop } from '../peak-meter.js';
import type { LayerInit } from '../spec.js';
import type { ActivationInput, JsPeer } from './types.js';

/**
 * actgrad the way its README trains: `mlp` for the model, a `Trainer` (one `tidy` per step, the
 * loss fused with the output activation) and batches gathered into reused buffers.
 */

/** Overwrites the model's initial weights with the spec's, layer by layer ([in, out] on both sides). */
function loadInit(model: Sequential, init: LayerInit[]): void {
  const linears = model.layers.filter((m): m is Linear => m instanceof Linear);
  if (linears.length !== init.length) throw new Error(`model has ${linears.length} Linear layers, the spec ${init.length}`);
  init.forEach((layer, l) => {
    copyInto(linears[l]!.weight.data, tensor(layer.weight, { shape: [layer.inFeatures, layer.outFeatures] }));
    copyInto(linears[l]!.bias!.data, tensor(layer.bias, { shape: [layer.outFeatures] }));
  });
}

/** `peakLoop`: the loop W3 pairs the products with (the native addon's for the native backend). */
export async function createActgradPeer(backend: string, peakLoop?: PeakLoop): Promise<JsPeer> {
  if (!backendNames().includes(backend)) throw new Error(`@actgrad/tensor has no "${backend}" backend (has ${backendNames().join(', ')})`);
  // A backend with worker threads (wasm) starts them before timing, as TF.js's `tf.ready()` is awaited.
  const active = setBackend(backend) as Backend & { warmUp?: () => Promise<void>; threads?: number; gemmVariant?: { fma: boolean; native?: string } };
  await active.warmUp?.();
  const variant = active.gemmVariant;
  const gemm = variant ? (variant.native ? `, ${variant.native} gemm` : variant.fma ? ', FMA gemm' : ', plain SIMD gemm') : '';

  return {
    backend: active.threads ? `${active.name}, ${active.threads} thread${active.threads > 1 ? 's' : ''}${gemm}` : active.name,
    versions: {},
    wasmThreads: active.name === 'wasm' || active.name === 'native' ? active.threads : undefined,
    peakLoop,

    w1(data, settings) {
      const { moons, init } = data;
      const model = mlp({ sizes: init.map((l) => l.inFeatures).concat(1), hidden: 'tanh', output: 'sigmoid', init: 'glorotUniform' });
      loadInit(model, init);
      const trainer = new Trainer(model, { loss: 'binaryCrossEntropy', optimizer: new SGD(model, { lr: settings.lr }) });
      const rows = settings.batchSize;
      // Backend storage (allocated outside tidy, so no step recycles it), as fit's batch gatherer
      // uses: the wasm backend reads it in place.
      const xTensor = empty([rows, 2]);
      const yTensor = empty([rows, 1]);
      const xb = xTensor.data;
      const yb = yTensor.data;
      return {
        step(batch) {
          for (let i = 0; i < rows; i++) {
            const r = batch[i]!;
            xb[2 * i] = moons.x[2 * r]!;
            xb[2 * i + 1] = moons.x[2 * r + 1]!;
            yb[i] = moons.y[r]!;
          }
          trainer.step(xTensor, yTensor);
        },
        sync() {},
        accuracy() {
          const p = predict(model, new Tensor(moons.x, [moons.n, 2])).contiguous().data;
          let correct = 0;
          for (let i = 0; i < moons.n; i++) if ((p[i]! >= 0.5 ? 1 : 0) === moons.y[i]) correct++;
          return correct / moons.n;
        },
      };
    },

    w2(data, settings) {
      const model = mlp({ sizes: [data.inputDim, ...data.init.map((l) => l.outFeatures)], hidden: 'relu', output: 'softmax', init: 'glorotUniform' });
      loadInit(model, data.init);
      const optimizer = new Adam(model, { lr: settings.lr, betas: [settings.beta1, settings.beta2], eps: settings.eps });
      const trainer = new Trainer(model, { loss: 'crossEntropy', optimizer });
      const x = tensor(data.x, { shape: [data.n, data.inputDim] });
      const labels = tensor(Float32Array.from(data.labels), { shape: [data.n] });
      const rows = settings.batchSize;
      return {
        // Rows of a contiguous matrix: the batch is a view, no copy.
        step: (row0) => void trainer.step(x.slice([row0, row0 + rows]), labels.slice([row0, row0 + rows])),
        sync() {},
      };
    },

    matmul(a, b, n) {
      // Operands in the backend's storage, where a model's weights and activations live (the wasm
      // backend would otherwise copy a plain Float32Array into its memory on every call).
      const ta = copyInto(empty([n, n]), tensor(a, { shape: [n, n] }));
      const tb = copyInto(empty([n, n]), tensor(b, { shape: [n, n] }));
      // The spec allows a preallocated result: C is written into one buffer made here, so a call
      // times the product, not the page faults of a fresh 4 MB array at n = 1024.
      const out = empty([n, n]);
      return () => void matmul(ta, tb, out);
    },

    activation(name, input: ActivationInput) {
      if (!activationNames().includes(name)) return undefined;
      // PReLU's α is learnable, so its gradient is computed too — as it is for the peers.
      const fn = activation(name, input.options[name] ?? {});
      const x = variable(tensor(input.x, { shape: input.shape }), { requiresGrad: true });
      const grad = tensor(input.grad, { shape: input.shape });
      // Leaf gradients accumulate into storage kept across calls, so repeated calls reuse it.
      return () => tidy(() => fn(x).backward(grad));
    },

    activationNames,
  };
}
