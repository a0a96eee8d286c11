import { toDot, variable } from '@actgrad/autograd';
import { Linear, makeHead, type Sequential } from '@actgrad/nn';
import type { Tensor } from '@actgrad/tensor';
import { instance, type Viz } from '@viz-js/viz';

let viz: Promise<Viz> | undefined;

/**
 * Renders Graphviz DOT to SVG in Node: Graphviz compiled to WebAssembly (`@viz-js/viz`), no
 * native binary and nothing downloaded. The module is compiled once, on first use.
 */
export async function renderDot(dot: string): Promise<string> {
  viz ??= instance();
  const svg = (await viz).renderString(dot, { format: 'svg' });
  // Drop the XML prolog and doctype: the SVG is inlined into an HTML page.
  return svg.slice(svg.indexOf('<svg'));
}

/**
 * The graph of one training step: the loss of `model` on the first `rows` rows of (x, y) with
 * the head training uses (fused sigmoid + binary cross-entropy where it applies), after
 * backward, so every parameter box shows its gradient. Parameters' gradients are zeroed again.
 */
export function trainingStepDot(model: Sequential, loss: string, x: Tensor, y: Tensor, rows = 4): string {
  const n = Math.min(rows, x.shape[0]!);
  const xb = variable(x.slice([0, n]));
  const yb = y.slice([0, n]);
  // Name the parameters by layer for the picture ("linear 1.weight"); they are named "weight"/"bias".
  let linear = 0;
  for (const layer of model.layers) {
    if (!(layer instanceof Linear)) continue;
    linear++;
    layer.weight.name = `linear ${linear}.weight`;
    if (layer.bias) layer.bias.name = `linear ${linear}.bias`;
  }
  xb.name = `x (batch of ${n})`;
  const step = makeHead(model, loss).compute(xb, yb);
  step.loss.name = `loss (${loss})`;
  step.loss.backward(undefined, { retainGraph: true });
  const dot = toDot(step.loss, { grads: true, maxElements: 3, rankdir: 'TB' });
  model.zeroGrad();
  return dot;
}
