import { activationNames, getActivation } from '@actgrad/autograd';
import { losses, optimizerNames } from '@actgrad/nn';

/** The data sets the page offers: 2-D classification, or 1-D regression with a target range. */
export const DATASETS = {
  moons: { kind: 'classification', label: 'two moons' },
  circles: { kind: 'classification', label: 'circles' },
  spirals: { kind: 'classification', label: 'spirals (k classes)' },
  xor: { kind: 'classification', label: 'xor' },
  blobs: { kind: 'classification', label: 'Gaussian blobs (k classes)' },
  'curve01': { kind: 'regression', label: 'curve in [0, 1]' },
  'curve11': { kind: 'regression', label: 'curve in [−1, 1]' },
  'curve': { kind: 'regression', label: 'curve, unbounded' },
  csv: { kind: 'classification', label: 'your CSV / clicked points' },
} as const;
export type DatasetName = keyof typeof DATASETS;

export interface LayerSpec {
  units: number;
  activation: string;
  /** The activation's hyper-parameters (learnable ones give the starting value; strings: one of its choices). */
  params: Record<string, number | string>;
}

/** Everything that defines a run: shared through the URL. */
export interface State {
  dataset: DatasetName;
  noise: number;
  n: number;
  testFraction: number;
  classes: number;
  seed: number;
  layers: LayerSpec[];
  output: string;
  loss: string;
  optimizer: string;
  lr: number;
  batchSize: number;
  /** Second network's hidden activation (same everything else, same initial weights), or ''. */
  compare: string;
  /** The user's points (data set 'csv'): clicked or loaded, on the [−1, 1] plane. */
  points: Point[];
}

/** A point on the plane; `label` is its class. */
export interface Point {
  x: number;
  y: number;
  label: number;
}

/** Most user points a link carries (5 characters each). */
export const MAX_LINK_POINTS = 1500;
const Q = 36 * 36 - 1;

/** Points as 5 base-36 characters each: x and y on a 1296-step grid over [−1, 1], then the class. */
export function encodePoints(points: Point[]): string {
  const q = (v: number) => Math.round(((Math.min(1, Math.max(-1, v)) + 1) / 2) * Q).toString(36).padStart(2, '0');
  return points.slice(0, MAX_LINK_POINTS).map((p) => `${q(p.x)}${q(p.y)}${p.label.toString(36)}`).join('');
}

/** Inverse of {@link encodePoints}; null when the text is not such a list. */
export function decodePoints(text: string): Point[] | null {
  if (text.length % 5 !== 0 || !/^[0-9a-z]*$/.test(text)) return null;
  const out: Point[] = [];
  const v = (s: string) => (parseInt(s, 36) / Q) * 2 - 1;
  for (let i = 0; i < text.length; i += 5) {
    const label = parseInt(text[i + 4], 36);
    if (parseInt(text.slice(i, i + 2), 36) > Q || parseInt(text.slice(i + 2, i + 4), 36) > Q || label > 5) return null;
    out.push({ x: v(text.slice(i, i + 2)), y: v(text.slice(i + 2, i + 4)), label });
  }
  return out;
}

export const LIMITS = { layers: [1, 6], units: [1, 32], n: [20, 2000], classes: [2, 6], batch: [1, 512] } as const;

export function defaultState(): State {
  return {
    dataset: 'moons', noise: 0.15, n: 400, testFraction: 0.3, classes: 3, seed: 1,
    layers: [{ units: 16, activation: 'relu', params: {} }, { units: 16, activation: 'relu', params: {} }],
    output: 'sigmoid', loss: 'binaryCrossEntropy', optimizer: 'adam', lr: 0.01, batchSize: 32, compare: '', points: [],
  };
}

/** Activations that can sit in a hidden layer: every elementwise one in the registry. */
export function hiddenActivations(): string[] {
  return activationNames().filter((n) => getActivation(n).elementwise);
}

/** An activation parameter as the registry describes it (string ones list their choices). */
export interface ParamSpec {
  default: number | string;
  description: string;
  /** How formulas write it (α). */
  symbol?: string;
  learnable?: boolean;
  choices?: readonly string[];
  /** Open interval a number must lie in. */
  range?: { readonly gt?: number; readonly lt?: number };
}

/** The parameters of an activation that a layer can set, from the registry. */
export function paramSpecs(activation: string): Record<string, ParamSpec> {
  const out: Record<string, ParamSpec> = {};
  for (const [k, p] of Object.entries(getActivation(activation).params as Record<string, ParamSpec>)) {
    if (k !== 'axis' && (typeof p.default === 'number' || typeof p.default === 'string')) out[k] = p;
  }
  return out;
}

/** Defaults of an activation's parameters, from the registry. */
export function defaultParams(activation: string): Record<string, number | string> {
  return Object.fromEntries(Object.entries(paramSpecs(activation)).map(([k, p]) => [k, p.default]));
}

/** A parameter value from text, or undefined when it is not valid for the parameter. */
export function parseParam(spec: ParamSpec, text: string): number | string | undefined {
  if (typeof spec.default === 'string') return spec.choices === undefined || spec.choices.includes(text) ? text : undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) return undefined;
  if ((spec.range?.gt !== undefined && !(v > spec.range.gt)) || (spec.range?.lt !== undefined && !(v < spec.range.lt))) return undefined;
  return v;
}

/** The valid values of a parameter, in words, for messages: "a number > 0 and < 1". */
export function describeParam(spec: ParamSpec): string {
  if (typeof spec.default === 'string') return `one of ${(spec.choices ?? []).join(', ')}`;
  const parts = [spec.range?.gt !== undefined ? `> ${spec.range.gt}` : '', spec.range?.lt !== undefined ? `< ${spec.range.lt}` : ''].filter(Boolean);
  return `a number${parts.length ? ` ${parts.join(' and ')}` : ''}`;
}

/** Output activation and loss the notes' use-scenario table recommends for a task. */
export function recommendedHead(dataset: DatasetName, classes: number): { output: string; loss: string } {
  if (dataset === 'curve01') return { output: 'sigmoid', loss: 'mse' };
  if (dataset === 'curve11') return { output: 'tanh', loss: 'mse' };
  if (dataset === 'curve') return { output: 'linear', loss: 'mse' };
  return classes > 2 ? { output: 'softmax', loss: 'crossEntropy' } : { output: 'sigmoid', loss: 'binaryCrossEntropy' };
}

/** Number of classes the data set has (2 for the binary ones). */
export function classCount(s: Pick<State, 'dataset' | 'classes'>): number {
  return s.dataset === 'spirals' || s.dataset === 'blobs' ? s.classes : 2;
}

// --- URL: a short, readable query in the hash (works from file:// too) ---------------------

function encodeLayer(l: LayerSpec): string {
  const params = Object.entries(l.params).map(([k, v]) => `${k}=${v}`).join(';');
  return `${l.units}:${l.activation}${params ? `:${params}` : ''}`;
}

/** The state as a URL hash, e.g. `#data=moons&h=16:relu,16:tanh&out=sigmoid&…`. */
export function toHash(s: State): string {
  const q = new URLSearchParams({
    data: s.dataset, noise: String(s.noise), n: String(s.n), test: String(s.testFraction), k: String(s.classes),
    seed: String(s.seed), h: s.layers.map(encodeLayer).join(','), out: s.output, loss: s.loss,
    opt: s.optimizer, lr: String(s.lr), bs: String(s.batchSize),
  });
  if (s.compare) q.set('cmp', s.compare);
  if (s.dataset === 'csv') q.set('pts', encodePoints(s.points));
  return `#${q.toString()}`;
}

const clamp = (v: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, v));

/**
 * Reads a hash written by {@link toHash}. Anything missing keeps its default; anything invalid
 * keeps its default too and is listed in `problems`, so a mistyped link still opens.
 */
export function fromHash(hash: string): { state: State; problems: string[] } {
  const s = defaultState();
  const problems: string[] = [];
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  const num = (key: string, ok: (v: number) => boolean, set: (v: number) => void) => {
    const raw = q.get(key);
    if (raw === null) return;
    const v = Number(raw);
    if (raw !== '' && Number.isFinite(v) && ok(v)) set(v);
    else problems.push(`${key}=${raw} is not valid`);
  };
  const data = q.get('data');
  if (data !== null) {
    if (Object.prototype.hasOwnProperty.call(DATASETS, data)) s.dataset = data as DatasetName;
    else problems.push(`unknown data set '${data}'`);
  }
  num('noise', (v) => v >= 0 && v <= 1, (v) => (s.noise = v));
  num('n', (v) => Number.isInteger(v), (v) => (s.n = clamp(v, LIMITS.n)));
  num('test', (v) => v > 0 && v < 1, (v) => (s.testFraction = v));
  num('k', (v) => Number.isInteger(v), (v) => (s.classes = clamp(v, LIMITS.classes)));
  num('seed', (v) => Number.isInteger(v), (v) => (s.seed = v));
  num('lr', (v) => v > 0 && v <= 10, (v) => (s.lr = v));
  num('bs', (v) => Number.isInteger(v), (v) => (s.batchSize = clamp(v, LIMITS.batch)));
  const names = activationNames();
  const h = q.get('h');
  if (h !== null) {
    const layers: LayerSpec[] = [];
    for (const part of h.split(',').slice(0, LIMITS.layers[1])) {
      const [units, act, params] = part.split(':');
      const u = Number(units);
      if (!Number.isInteger(u) || !hiddenActivations().includes(act)) {
        problems.push(`hidden layer '${part}' is not valid`);
        continue;
      }
      const p = defaultParams(act);
      const specs = paramSpecs(act);
      for (const kv of (params ?? '').split(';').filter(Boolean)) {
        const [k, v] = kv.split('=');
        const value = Object.prototype.hasOwnProperty.call(specs, k) ? parseParam(specs[k], v ?? '') : undefined;
        if (value !== undefined) p[k] = value;
        else problems.push(`parameter '${kv}' of ${act} is not valid${specs[k] ? ` (${k} must be ${describeParam(specs[k])})` : ''}`);
      }
      layers.push({ units: clamp(u, LIMITS.units), activation: act, params: p });
    }
    if (layers.length > 0) s.layers = layers;
  }
  const out = q.get('out');
  if (out !== null) {
    if (names.includes(out)) s.output = out;
    else problems.push(`unknown output activation '${out}'`);
  }
  const loss = q.get('loss');
  if (loss !== null) {
    if (Object.prototype.hasOwnProperty.call(losses, loss)) s.loss = loss;
    else problems.push(`unknown loss '${loss}'`);
  }
  const opt = q.get('opt');
  if (opt !== null) {
    if ((optimizerNames as readonly string[]).includes(opt)) s.optimizer = opt;
    else problems.push(`unknown optimizer '${opt}'`);
  }
  const cmp = q.get('cmp');
  if (cmp !== null && cmp !== '') {
    if (hiddenActivations().includes(cmp)) s.compare = cmp;
    else problems.push(`unknown compare activation '${cmp}'`);
  }
  const pts = q.get('pts');
  if (pts !== null && s.dataset === 'csv') {
    const points = decodePoints(pts);
    if (points) s.points = points;
    else problems.push('the points in the link are not valid');
  }
  if (data !== null && q.get('out') === null) Object.assign(s, recommendedHead(s.dataset, classCount(s)));
  return { state: s, problems };
}
