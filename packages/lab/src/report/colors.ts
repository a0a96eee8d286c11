import { activationNames } from '@actgrad/autograd';

/**
 * One colour per activation, fixed by its place in autograd's registry, so relu is the same
 * blue in every chart of a report (and of every report). The first entries are chosen for the
 * lecture's six hidden activations to stay far apart; registered user activations continue
 * down the list.
 */
const REGISTRY_PALETTE = [
  '#7f7f7f', // linear
  '#9467bd', // sigmoid
  '#8c564b', // tanh
  '#1f77b4', // relu
  '#17becf', // leakyRelu
  '#2ca02c', // elu
  '#ff7f0e', // selu
  '#d62728', // softmax
  '#e377c2', // logSoftmax
  '#bcbd22', // gelu
  '#393b79', // silu
  '#ad494a', // softplus
  '#637939', // prelu
  '#d6616b', '#5254a3', '#8ca252', '#bd9e39', '#843c39', '#7b4173', '#3182bd',
];

export function activationColor(name: string): string {
  const names = activationNames();
  let i = names.indexOf(name);
  if (i < 0) i = names.length + [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % 7;
  return REGISTRY_PALETTE[i % REGISTRY_PALETTE.length]!;
}

/** A Vega-Lite colour scale over activation names, each in its registry colour. */
export function activationScale(names: readonly string[]): { domain: string[]; range: string[] } {
  const domain = [...new Set(names)];
  return { domain, range: domain.map(activationColor) };
}

/** Class colours of the decision-boundary pictures (class 0 blue, 1 orange, 2 green, …). */
export const CLASS_COLORS = ['#3b6ea8', '#e07b1a', '#3f9a3a', '#c9403a', '#8e63b5', '#8a6048'];
