import type { Variable } from '@actgrad/autograd';
import { Activation, Linear, Module } from './module.js';
import { formatSummary } from './summary.js';
import type { MLPConfig } from './mlp-config.js';
import { modelToJSON, type ModelJSON } from './serialize-format.js';

// MLPConfig lives in its own file: serialize-format.ts needs the type, and sequential.ts needs serialize-format.ts.
export type { MLPConfig } from './mlp-config.js';

/**
 * Layers applied in order. When the last layer is an {@link Activation}, that is the model's
 * output activation: `forwardLogits` stops before it, so a loss can fuse it (sigmoid with binary
 * cross-entropy, softmax with cross-entropy) and stay finite at any logit.
 */
export class Sequential extends Module {
  readonly layers: Module[];
  /** Set when the model came from `mlp`. */
  config: MLPConfig | undefined;

  constructor(layers: Module[]) {
    super();
    if (!Array.isArray(layers)) throw new Error('Sequential: expected an array of modules');
    layers.forEach((l, i) => {
      if (!(l instanceof Module)) throw new Error(`Sequential: layer ${i} is not a Module`);
    });
    this.layers = [...layers];
    // The model's dtype is its weights'; learnable activation parameters (PReLU's α) follow it.
    const dtype = this.layers.flatMap((l) => (l instanceof Activation ? [] : l.parameters()))[0]?.data.dtype;
    if (dtype) for (const l of this.layers) if (l instanceof Activation) l.adoptDtype(dtype);
  }

  override children(): [string, Module][] {
    return this.layers.map((l, i) => [`layers.${i}`, l]);
  }

  forward(x: Variable): Variable {
    let h = x;
    for (let i = 0; i < this.layers.length; i++) h = this.layers[i].forward(h);
    return h;
  }

  /** The output activation layer, when the model ends with one. */
  get outputActivationLayer(): Activation | undefined {
    const last = this.layers[this.layers.length - 1];
    return last instanceof Activation ? last : undefined;
  }

  /** Name of the output activation (`linear` when the model does not end with one). */
  get outputActivation(): string {
    return this.outputActivationLayer?.activationName ?? 'linear';
  }

  /** Runs every layer but the output activation: the pre-activation scores ("logits"). */
  forwardLogits(x: Variable): Variable {
    const end = this.outputActivationLayer ? this.layers.length - 1 : this.layers.length;
    let h = x;
    for (let i = 0; i < end; i++) h = this.layers[i].forward(h);
    return h;
  }

  /** The Linear layers in order. */
  linearLayers(): Linear[] {
    return this.layers.filter((l): l is Linear => l instanceof Linear);
  }

  /** Input width (of the first Linear layer). */
  get inFeatures(): number {
    const first = this.linearLayers()[0];
    if (!first) throw new Error('Sequential: model has no Linear layer');
    return first.inFeatures;
  }

  /** Output width (of the last Linear layer). */
  get outFeatures(): number {
    const all = this.linearLayers();
    if (all.length === 0) throw new Error('Sequential: model has no Linear layer');
    return all[all.length - 1].outFeatures;
  }

  /**
   * A table of the layers: each Linear with the activation that follows it, output shape and
   * parameter count, then the total. Printed with `console.log` unless `{ print: false }`;
   * the text is returned either way.
   */
  summary(opts: { print?: boolean } = {}): string {
    const text = formatSummary(this);
    if (opts.print ?? true) console.log(text);
    return text;
  }

  /** Config and weights as plain JSON (weights exact, base64 of the float bytes). See `loadModel`. */
  toJSON(): ModelJSON {
    return modelToJSON(this);
  }
}
