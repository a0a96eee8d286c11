import { getActivation } from '@actgrad/autograd';
import { losses, optimizerNames } from '@actgrad/nn';
import {
  DATASETS, defaultParams, describeParam, hiddenActivations, LIMITS, paramSpecs, parseParam, recommendedHead, classCount,
  type DatasetName, type State,
} from './state.js';
import { activationNames } from '@actgrad/autograd';

/** Builds an element with attributes and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

function select(id: string, options: string[], value: string, labels: Record<string, string> = {}): HTMLSelectElement {
  const s = el('select', { id });
  for (const o of options) s.append(el('option', { value: o }, labels[o] ?? o));
  s.value = value;
  return s;
}

function number(id: string, value: number, attrs: Record<string, string>): HTMLInputElement {
  return el('input', { id, type: 'number', value: String(value), ...attrs });
}

function field(label: string, input: HTMLElement, title?: string): HTMLLabelElement {
  return el('label', title ? { title } : {}, el('span', {}, label), input);
}

/** The activation's formula and derivative from the registry, for a tooltip. */
export function formulaOf(name: string): string {
  const d = getActivation(name);
  return `a(s) = ${d.formula}\na'(s) = ${d.derivative}`;
}

/**
 * The data and network forms, built from `state`; `onChange` receives the edited state.
 * Rebuilt whenever the state changes, so they always show it.
 */
export function buildControls(root: HTMLElement, state: State, onChange: (s: State) => void, onInvalid: (message: string) => void): void {
  root.replaceChildren();
  const next = (edit: (s: State) => void) => {
    const s: State = structuredClone(state);
    edit(s);
    onChange(s);
  };
  const num = (v: string, lo: number, hi: number, fallback: number) => {
    const x = Number(v);
    return Number.isFinite(x) ? Math.min(hi, Math.max(lo, x)) : fallback;
  };

  // Data
  const labels = Object.fromEntries(Object.entries(DATASETS).map(([k, v]) => [k, v.label]));
  const data = select('dataset', Object.keys(DATASETS), state.dataset, labels);
  data.onchange = () => next((s) => {
    s.dataset = data.value as DatasetName;
    Object.assign(s, recommendedHead(s.dataset, classCount(s)));
  });
  const noise = el('input', { id: 'noise', type: 'range', min: '0', max: '0.5', step: '0.01', value: String(state.noise) });
  noise.onchange = () => next((s) => (s.noise = Number(noise.value)));
  const n = number('n', state.n, { min: String(LIMITS.n[0]), max: String(LIMITS.n[1]), step: '10' });
  n.onchange = () => next((s) => (s.n = Math.round(num(n.value, LIMITS.n[0], LIMITS.n[1], s.n))));
  const test = el('input', { id: 'test-fraction', type: 'range', min: '0.1', max: '0.9', step: '0.05', value: String(state.testFraction) });
  test.onchange = () => next((s) => (s.testFraction = Number(test.value)));
  const k = number('classes', state.classes, { min: '2', max: '6' });
  k.disabled = state.dataset !== 'spirals' && state.dataset !== 'blobs';
  k.onchange = () => next((s) => {
    s.classes = Math.round(num(k.value, 2, 6, s.classes));
    Object.assign(s, recommendedHead(s.dataset, classCount(s)));
  });
  const seed = number('seed', state.seed, { step: '1' });
  seed.onchange = () => next((s) => (s.seed = Math.round(num(seed.value, -1e9, 1e9, s.seed))));
  root.append(el('section', { class: 'panel', id: 'data-panel' },
    el('h2', {}, 'Data'),
    field('data set', data), field('noise', noise), field('points', n), field('test share', test),
    field('classes', k), field('seed', seed, 'one seed fixes the data, the split, the initial weights and the batches'),
  ));

  // Network
  const net = el('section', { class: 'panel', id: 'network-panel' }, el('h2', {}, 'Network'));
  const hidden = hiddenActivations();
  state.layers.forEach((layer, i) => {
    const units = number(`units-${i}`, layer.units, { min: '1', max: '32', class: 'units' });
    units.onchange = () => next((s) => (s.layers[i].units = Math.round(num(units.value, 1, 32, layer.units))));
    const act = select(`act-${i}`, hidden, layer.activation);
    act.title = formulaOf(layer.activation);
    act.onchange = () => next((s) => (s.layers[i] = { units: layer.units, activation: act.value, params: defaultParams(act.value) }));
    const row = el('div', { class: 'layer-row' }, el('span', { class: 'layer-name' }, `hidden ${i + 1}`), units, act);
    if (state.layers.length > LIMITS.layers[0]) {
      const rm = el('button', { class: 'icon', title: 'remove this layer', id: `remove-${i}` }, '−');
      rm.onclick = () => next((s) => s.layers.splice(i, 1));
      row.append(rm);
    }
    const specs = paramSpecs(layer.activation);
    for (const [key, value] of Object.entries(layer.params)) {
      const spec = specs[key];
      if (!spec) continue;
      const input = typeof value === 'string'
        ? select(`param-${i}-${key}`, [...(spec.choices ?? [value])], value)
        : number(`param-${i}-${key}`, value, { step: '0.01', class: 'param' });
      input.title = `${spec.description} (${describeParam(spec)})`;
      input.onchange = () => {
        const v = parseParam(spec, input.value);
        if (v === undefined) {
          input.value = String(value);
          onInvalid(`${layer.activation} ${key} must be ${describeParam(spec)}; kept ${value}`);
        } else next((s) => (s.layers[i].params[key] = v));
      };
      row.append(el('label', { class: 'param-label', title: spec.description }, `${spec.symbol ?? key}${spec.learnable ? ' (learnt, from)' : ''}`, input));
    }
    net.append(row);
  });
  if (state.layers.length < LIMITS.layers[1]) {
    const add = el('button', { id: 'add-layer' }, '+ hidden layer');
    add.onclick = () => next((s) => s.layers.push({ ...structuredClone(s.layers[s.layers.length - 1]) }));
    net.append(add);
  }
  const out = select('output', activationNames(), state.output);
  out.title = formulaOf(state.output);
  out.onchange = () => next((s) => (s.output = out.value));
  const loss = select('loss', Object.keys(losses), state.loss);
  loss.onchange = () => next((s) => (s.loss = loss.value));
  const opt = select('optimizer', [...optimizerNames], state.optimizer);
  opt.onchange = () => next((s) => (s.optimizer = opt.value));
  const lr = select('lr', ['0.0001', '0.001', '0.003', '0.01', '0.03', '0.1', '0.3', '1'], String(state.lr));
  if (lr.value === '') lr.append(el('option', { value: String(state.lr) }, String(state.lr)));
  lr.value = String(state.lr);
  lr.onchange = () => next((s) => (s.lr = Number(lr.value)));
  const bs = number('batch-size', state.batchSize, { min: '1', max: '512' });
  bs.onchange = () => next((s) => (s.batchSize = Math.round(num(bs.value, 1, 512, s.batchSize))));
  const cmp = select('compare', ['', ...hidden], state.compare, { '': '— off —' });
  cmp.onchange = () => next((s) => (s.compare = cmp.value));
  net.append(
    field('output', out), field('loss', loss), field('optimizer', opt), field('learning rate', lr), field('batch size', bs),
    field('compare with', cmp, 'a second network, identical but for its hidden activation, from the same initial weights'),
    el('div', { id: 'issues' }),
  );
  root.append(net);
}
