import * as tf from '@tensorflow/tfjs';
import type { LayerInit } from '../spec.js';
import type { ActivationInput, BenchCase, JsPeer } from './types.js';

/**
 * TensorFlow.js written the low-level way a careful user would: variables for the weights,
 * `optimizer.minimize` inside `tf.tidy`, the loss fused on logits. No Layers API, so its model
 * bookkeeping is not what gets timed.
 */

const variablesOf = (init: LayerInit[]) =>
  init.map((layer) => ({
    w: tf.variable(tf.tensor2d(layer.weight, [layer.inFeatures, layer.outFeatures])),
    b: tf.variable(tf.zeros([layer.outFeatures])),
  }));

/** Hidden layers with `hidden`, the last one linear: the loss takes logits. */
function logitsOf(layers: ReturnType<typeof variablesOf>, x: tf.Tensor2D, hidden: (t: tf.Tensor) => tf.Tensor): tf.Tensor2D {
  let h: tf.Tensor2D = x;
  layers.forEach(({ w, b }, i) => {
    const s = tf.add(tf.matMul(h, w), b) as tf.Tensor2D;
    h = i + 1 < layers.length ? (hidden(s) as tf.Tensor2D) : s;
  });
  return h;
}

type Activation = (x: tf.Tensor, alpha: number) => tf.Tensor;

/**
 * The activations TF.js has as ops (PReLU below). `linear` is a copy (its forward and backward are
 * the identity); TF.js has no GELU or SiLU op, so those are left out rather than composed.
 */
const activations: Record<string, Activation> = {
  linear: (x) => tf.clone(x),
  sigmoid: (x) => tf.sigmoid(x),
  tanh: (x) => tf.tanh(x),
  relu: (x) => tf.relu(x),
  leakyRelu: (x, alpha) => tf.leakyRelu(x, alpha),
  elu: (x) => tf.elu(x),
  selu: (x) => tf.selu(x),
  softmax: (x) => tf.softmax(x),
  logSoftmax: (x) => tf.logSoftmax(x),
  softplus: (x) => tf.softplus(x),
};

/** PReLU's α is learnable: the backward gives its gradient as well as the input's. */
function prelu(input: ActivationInput): BenchCase {
  const x = tf.tensor2d(input.x, input.shape);
  const dy = tf.tensor2d(input.grad, input.shape);
  const alpha = tf.scalar(input.options.prelu?.alpha ?? 0.25);
  const forwardBackward = tf.grads((t: tf.Tensor, a: tf.Tensor) => tf.prelu(t, a));
  return () => tf.tidy(() => void forwardBackward([x, alpha], dy));
}

export async function createTfjsPeer(backend: 'cpu' | 'wasm'): Promise<JsPeer> {
  const versions: Record<string, string> = { '@tensorflow/tfjs': tf.version.tfjs };
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    versions['@tensorflow/tfjs-backend-wasm'] = wasm.version_wasm;
  }
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend "${backend}" failed to initialise`);
  await tf.ready();

  return {
    backend: tf.getBackend(),
    versions,

    w1(data, settings) {
      const { moons, init } = data;
      const x = tf.tensor2d(moons.x, [moons.n, 2]);
      const y = tf.tensor2d(moons.y, [moons.n, 1]);
      const layers = variablesOf(init);
      const optimizer = tf.train.sgd(settings.lr);
      return {
        step(batch) {
          tf.tidy(() => {
            const rows = tf.tensor1d(batch, 'int32');
            const xb = tf.gather(x, rows);
            const yb = tf.gather(y, rows);
            optimizer.minimize(() => tf.losses.sigmoidCrossEntropy(yb, logitsOf(layers, xb, tf.tanh)) as tf.Scalar);
          });
        },
        sync() {},
        accuracy() {
          return tf.tidy(() => {
            const predicted = tf.cast(tf.greaterEqual(logitsOf(layers, x, tf.tanh), 0), 'float32');
            return tf.mean(tf.cast(tf.equal(predicted, y), 'float32')).dataSync()[0]!;
          });
        },
      };
    },

    w2(data, settings) {
      const x = tf.tensor2d(data.x, [data.n, data.inputDim]);
      const y = tf.oneHot(tf.tensor1d(data.labels, 'int32'), data.classes).toFloat() as tf.Tensor2D;
      const layers = variablesOf(data.init);
      const optimizer = tf.train.adam(settings.lr, settings.beta1, settings.beta2, settings.eps);
      const rows = settings.batchSize;
      return {
        step(row0) {
          tf.tidy(() => {
            const xb = tf.slice(x, [row0, 0], [rows, data.inputDim]);
            const yb = tf.slice(y, [row0, 0], [rows, data.classes]);
            optimizer.minimize(() => tf.losses.softmaxCrossEntropy(yb, logitsOf(layers, xb, tf.relu)) as tf.Scalar);
          });
        },
        sync() {},
      };
    },

    matmul(a, b, n) {
      const ta = tf.tensor2d(a, [n, n]);
      const tb = tf.tensor2d(b, [n, n]);
      return () => tf.matMul(ta, tb).dispose();
    },

    activation(name, input: ActivationInput): BenchCase | undefined {
      if (name === 'prelu') return prelu(input);
      const fn = activations[name];
      if (!fn) return undefined;
      const alpha = input.options[name]?.alpha ?? 0;
      const x = tf.tensor2d(input.x, input.shape);
      const dy = tf.tensor2d(input.grad, input.shape);
      // tf.grad runs the forward on a tape, then the backward with dy as the upstream gradient.
      const forwardBackward = tf.grad((t: tf.Tensor) => fn(t, alpha));
      return () => tf.tidy(() => void forwardBackward(x, dy));
    },
  };
}
