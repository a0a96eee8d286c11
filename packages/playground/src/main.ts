import { toOnnx } from '@actgrad/interop';
import { getBackend } from '@actgrad/tensor';
import { drawLines } from './charts.js';
import { buildControls, el } from './controls.js';
import { makeData, parseCsv, type Data, type Point } from './data.js';
import { LayersView } from './layers-view.js';
import { drawBoundary, drawCurve, gridInputs, lineInputs, PALETTE } from './plane.js';
import { Run } from './run.js';
import { defaultParams, fromHash, recommendedHead, toHash, type State } from './state.js';

const GRID = 64; // decision-boundary resolution
const UNIT_GRID = 24; // per-unit thumbnails
const UNIT_LINE = 48; // per-unit curves of a 1-D input
// Training time per frame: 12 ms leaves the rest of a 60 Hz frame to drawing; when drawing takes
// longer (a slow or busy machine), the slice shrinks so that a frame stays within ~28 ms (≥ 30 fps).
const SLICE_MS = 12;
const FRAME_BUDGET_MS = 28;
const MIN_SLICE_MS = 3;
const PLANE = 360;

const app = document.querySelector<HTMLElement>('#app')!;
const header = el('header', {},
  el('h1', {}, 'actgrad playground'),
  el('button', { id: 'play', class: 'primary' }, '▶ play'),
  el('button', { id: 'step' }, 'step'),
  el('button', { id: 'reset' }, '↺ reset'),
  el('span', { class: 'stat' }, 'step ', el('b', { id: 'steps', 'data-value': '0' }, '0')),
  el('span', { class: 'stat' }, 'epoch ', el('b', { id: 'epoch' }, '0')),
  el('span', { class: 'stat' }, el('b', { id: 'sps', 'data-value': '0' }, '0'), ' steps/s'),
  el('span', { class: 'stat' }, el('b', { id: 'fps', 'data-value': '0' }, '0'), ' fps'),
  el('span', { class: 'stat', id: 'backend' }, ''),
  el('button', { id: 'export' }, 'export model (JSON)'),
  el('button', { id: 'export-onnx' }, 'ONNX'),
);
const controls = el('div', { id: 'controls' });
const planes = el('div', { id: 'planes' });
const metrics = el('div', { id: 'metrics' });
const lossCanvas = el('canvas', { id: 'loss-chart', width: String(PLANE), height: '120' });
const paint = el('select', { id: 'paint-class' });
const csv = el('input', { id: 'csv', type: 'file', accept: '.csv,text/csv,text/plain' });
const notice = el('div', { id: 'notice' });
const output = el('section', { class: 'panel', id: 'output-panel' },
  el('h2', {}, 'Output'), planes, metrics, lossCanvas,
  el('div', { class: 'legend' }, el('span', { class: 'blue' }, '— train loss  '), el('span', { class: 'orange' }, '- - test loss  '),
    el('span', { class: 'purple compare-only' }, '(B: — train, - - test)  '), '· log scale',
    el('span', { class: 'curve-only' }, ' · points: ', el('span', { class: 'blue' }, '● train '), el('span', { class: 'orange' }, '● test'))),
  el('div', { class: 'edit plane-only' }, 'click the plane to add a point of class ', paint, ', shift-click to remove one; or load x,y,label rows: ', csv),
  notice);
const layersRoot = el('div', { id: 'layers' });
app.append(header, el('main', {}, controls, output), layersRoot);

let state: State;
let data: Data;
let runs: Run[] = [];
let views: LayersView[] = [];
let playing = false;
let dirty = true;
const grid = gridInputs(GRID);
const unitGrid = gridInputs(UNIT_GRID);
const unitLine = lineInputs(UNIT_LINE);
const line = lineInputs(200);

function setNotice(text: string, level: 'error' | 'warning' | 'info' = 'info'): void {
  notice.textContent = text;
  notice.className = level;
}

/** Rebuilds data and networks from `s`: every change of a setting restarts training from step 0. */
function restart(s: State, problems: string[] = []): void {
  state = s;
  history.replaceState(null, '', toHash(s));
  buildControls(controls, s, (n) => restart(n), (message) => setNotice(message, 'warning'));
  try {
    data = makeData(s, s.dataset === 'csv' ? s.points : []);
  } catch (err) {
    // Too few of the user's own points: keep a plane to click on, with the points so far.
    runs = [];
    views = [];
    setNotice((err as Error).message, s.dataset === 'csv' ? 'warning' : 'error');
    const canvas = el('canvas', { id: 'plane-0', width: String(PLANE), height: String(PLANE) });
    canvas.addEventListener('click', onPlaneClick);
    planes.replaceChildren(el('figure', {}, canvas));
    planes.dataset.points = String(s.dataset === 'csv' ? s.points.length : 0);
    const ctx = canvas.getContext('2d')!;
    drawBoundary(ctx, new Float32Array(GRID * GRID).fill(0.5), GRID, 1, s.dataset === 'csv' ? s.points : [], []);
    setPaintClasses(6);
    layersRoot.replaceChildren();
    metrics.replaceChildren();
    return;
  }
  planes.dataset.points = String(data.train.points.length + data.test.points.length);
  document.body.classList.toggle('comparing', s.compare !== '');
  document.body.classList.toggle('curve', data.kind === 'regression');
  try {
    const a = new Run(s, data, s.layers);
    runs = [a];
    if (s.compare) runs.push(new Run(s, data, s.layers.map((l) => ({ ...l, activation: s.compare, params: defaultParams(s.compare) })), a));
  } catch (err) {
    // A setting the library refuses (its message names it): say so and keep the page usable.
    runs = [];
    views = [];
    setNotice((err as Error).message, 'error');
    planes.replaceChildren();
    layersRoot.replaceChildren();
    metrics.replaceChildren();
    return;
  }
  planes.replaceChildren(...runs.map((r, i) => el('figure', {},
    el('canvas', { id: `plane-${i}`, width: String(runs.length > 1 ? PLANE * 0.75 : PLANE), height: String(runs.length > 1 ? PLANE * 0.75 : PLANE) }),
    el('figcaption', {}, runs.length > 1 ? `${i === 0 ? 'A' : 'B'}: ${r.hidden.map((l) => l.activation).join(', ')}` : ''))));
  planes.querySelectorAll('canvas').forEach((c) => c.addEventListener('click', onPlaneClick));
  setPaintClasses(s.dataset === 'csv' ? 6 : Math.max(2, data.classes));
  layersRoot.replaceChildren();
  views = runs.map((r, i) => new LayersView(layersRoot, r, runs.length > 1 ? `Layers of ${i === 0 ? 'A' : 'B'} (${r.hidden.map((l) => l.activation).join(', ')})` : 'Layers'));
  const issues = el('div', {}, ...runs.flatMap((r) => r.issues.map((i) => el('p', { class: i.level }, `${i.level}: ${i.message}`))));
  controls.querySelector('#issues')!.replaceChildren(issues);
  setNotice(problems.length ? `The link had problems, defaults used: ${problems.join('; ')}` : runs.some((r) => r.blocked) ? 'Training is off until the pairing error above is fixed.' : '', problems.length ? 'warning' : 'info');
  for (const r of runs) r.record();
  dirty = true;
}

/** The classes a click can add (the user's own data set may use all six colours). */
function setPaintClasses(k: number): void {
  const keep = paint.value;
  paint.replaceChildren(...Array.from({ length: k }, (_, i) => el('option', { value: String(i), style: `color: rgb(${PALETTE[i].join(',')})` }, String(i))));
  if (keep !== '' && Number(keep) < k) paint.value = keep;
}

function onPlaneClick(e: MouseEvent): void {
  if (state.dataset !== 'csv' && data.kind === 'regression') return setNotice('Points can be added on the 2-D data sets.', 'warning');
  const c = e.currentTarget as HTMLCanvasElement;
  const rect = c.getBoundingClientRect();
  const x = ((e.clientX - rect.left) / rect.width) * 2 - 1;
  const y = 1 - ((e.clientY - rect.top) / rect.height) * 2;
  // Editing turns the generated set into the user's own points.
  const custom = state.dataset === 'csv' ? [...state.points] : [...data.train.points, ...data.test.points];
  if (e.shiftKey) {
    let best = -1;
    let bestD = 0.05 ** 2;
    custom.forEach((p, i) => {
      const d = (p.x - x) ** 2 + (p.y - y) ** 2;
      if (d < bestD) [best, bestD] = [i, d];
    });
    if (best >= 0) custom.splice(best, 1);
  } else custom.push({ x, y, label: Number(paint.value) });
  restart(withOwnPoints(custom));
}

/** The state with the user's points as data: their labels decide the classes, and the head follows the notes. */
function withOwnPoints(points: Point[]): State {
  const classes = Math.max(2, ...points.map((p) => p.label + 1));
  return { ...state, dataset: 'csv', points, ...recommendedHead('csv', classes) };
}

csv.onchange = async () => {
  const file = csv.files?.[0];
  if (!file) return;
  try {
    const points = parseCsv(await file.text());
    restart(withOwnPoints(points));
    setNotice(`Loaded ${points.length} points from ${file.name}.`);
  } catch (err) {
    setNotice((err as Error).message, 'error');
  }
};

const playButton = document.querySelector<HTMLButtonElement>('#play')!;
playButton.onclick = () => {
  playing = !playing;
  playButton.textContent = playing ? '❚❚ pause' : '▶ play';
};
document.querySelector<HTMLButtonElement>('#step')!.onclick = () => {
  for (const r of runs) if (!r.blocked) r.step();
  for (const r of runs) r.record();
  dirty = true;
};
document.querySelector<HTMLButtonElement>('#reset')!.onclick = () => restart(state);
function download(blob: Blob, name: string): void {
  const a = el('a', { href: URL.createObjectURL(blob), download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
document.querySelector<HTMLButtonElement>('#export')!.onclick = () => {
  if (runs.length > 0) download(new Blob([JSON.stringify(runs[0].model.toJSON())], { type: 'application/json' }), 'actgrad-model.json');
};
document.querySelector<HTMLButtonElement>('#export-onnx')!.onclick = () => {
  if (runs.length === 0) return;
  try {
    download(new Blob([toOnnx(runs[0].model) as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }), 'actgrad-model.onnx');
  } catch (err) {
    setNotice((err as Error).message, 'error');
  }
};
window.addEventListener('hashchange', () => {
  if (location.hash !== toHash(state)) {
    const { state: s, problems } = fromHash(location.hash);
    restart(s, problems);
  }
});

// --- the loop: train for a time slice, then draw --------------------------------------------
let frames = 0;
let stepsDone = 0;
let trainMs = 0;
let drawMs = 0;
let lastDrawMs = 0;
let windowStart = performance.now();
let lastRecord = 0;
let lastInspect = 0;

function frame(now: number): void {
  const active = runs.filter((r) => !r.blocked);
  if (playing && active.length > 0) {
    const t0 = performance.now();
    const slice = Math.max(MIN_SLICE_MS, Math.min(SLICE_MS, FRAME_BUDGET_MS - lastDrawMs));
    do {
      for (let k = 0; k < 4; k++) for (const r of active) r.step();
      stepsDone += 4;
    } while (performance.now() - t0 < slice);
    trainMs += performance.now() - t0;
    dirty = true;
  }
  frames++;
  if (now - windowStart >= 1000) {
    setStat('sps', Math.round((stepsDone * 1000) / (now - windowStart)));
    // The rate inside the training slices alone: what the kernels do, drawing aside.
    const sps = document.getElementById('sps')!;
    sps.dataset.trainingRate = String(trainMs > 0 ? Math.round((stepsDone * 1000) / trainMs) : 0);
    sps.title = `${Number(sps.dataset.trainingRate).toLocaleString('en-US')} steps/s while training (the rest of each frame draws)`;
    trainMs = 0;
    setStat('fps', Math.round((frames * 1000) / (now - windowStart)));
    document.getElementById('fps')!.dataset.drawMs = (drawMs / Math.max(1, frames)).toFixed(1);
    drawMs = 0;
    frames = 0;
    stepsDone = 0;
    windowStart = now;
  }
  if (dirty && runs.length > 0) {
    const t0 = performance.now();
    const recorded = (playing && now - lastRecord > 100) || !playing;
    if (playing && recorded) {
      for (const r of runs) r.record();
      lastRecord = now;
    }
    draw(now - lastInspect > 200, recorded);
    if (now - lastInspect > 200) lastInspect = now;
    dirty = playing;
    lastDrawMs = performance.now() - t0;
    drawMs += lastDrawMs;
  } else lastDrawMs = 0;
  requestAnimationFrame(frame);
}

function setStat(id: string, v: number): void {
  const e = document.getElementById(id)!;
  e.textContent = v.toLocaleString('en-US');
  e.dataset.value = String(v);
}

/** Draws the planes; the layer panels when `inspect`; metrics and the loss chart when `recorded`. */
function draw(inspect: boolean, recorded: boolean): void {
  runs.forEach((r, i) => {
    const ctx = (document.getElementById(`plane-${i}`) as HTMLCanvasElement).getContext('2d')!;
    if (data.kind === 'regression') drawCurve(ctx, line, r.predict(line), data.yRange, data.train.points, data.test.points);
    else drawBoundary(ctx, r.predict(grid), GRID, r.model.outFeatures, data.train.points, data.test.points);
    if (inspect) {
      if (data.features === 2) views[i].draw(r.inspect(), r.inspect(unitGrid), UNIT_GRID);
      else views[i].draw(r.inspect(), r.inspect(unitLine), UNIT_LINE, true);
    }
  });
  const a = runs[0];
  setStat('steps', a.steps);
  document.getElementById('epoch')!.textContent = String(a.epoch);
  if (!recorded) return;
  const score = data.kind === 'regression' ? 'R²' : 'accuracy';
  metrics.replaceChildren(...runs.map((r, i) => {
    const m = r.history[r.history.length - 1];
    const id = i === 0 ? '' : '-b';
    return el('div', { class: 'metric-row' }, runs.length > 1 ? el('b', {}, `${i === 0 ? 'A' : 'B'} `) : '',
      r.blocked ? 'not training: see the pairing error · ' : '',
      `train loss ${m.trainLoss.toPrecision(3)} · test loss ${m.testLoss.toPrecision(3)} · train ${score} `,
      el('b', { id: `train-score${id}`, 'data-value': String(m.trainScore) }, m.trainScore.toFixed(3)),
      ` · test ${score} `, el('b', { id: `test-score${id}`, 'data-value': String(m.testScore) }, m.testScore.toFixed(3)));
  }));
  const lossCtx = lossCanvas.getContext('2d')!;
  const colours = ['#1f77b4', '#9467bd'];
  drawLines(lossCtx, runs.flatMap((r, i) => [
    { values: r.history.map((h) => h.trainLoss), colour: colours[i] },
    { values: r.history.map((h) => h.testLoss), colour: i === 0 ? '#ff7f0e' : '#e377c2', dash: [4, 3] },
  ]), { log: true });
}

const initial = fromHash(location.hash);
restart(initial.state, initial.problems);
document.getElementById('backend')!.textContent = `backend: ${getBackend().name}`;
requestAnimationFrame(frame);
