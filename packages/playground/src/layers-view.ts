import { getActivation } from '@actgrad/autograd';
import { drawActivation, drawLines } from './charts.js';
import { el } from './controls.js';
import { drawUnitCurves, drawUnits } from './plane.js';
import { activationCurves, learntParams, type LayerView, type Run } from './run.js';

const TILE = 26;

interface Card {
  act: CanvasRenderingContext2D;
  units: CanvasRenderingContext2D;
  grad: CanvasRenderingContext2D;
  flat: CanvasRenderingContext2D;
  stats: HTMLElement;
}

function canvas(w: number, h: number, cls: string): HTMLCanvasElement {
  const c = el('canvas', { class: cls, width: String(w), height: String(h) });
  return c;
}

/**
 * One card per hidden layer of a run: f and f' with the pre-activation histogram, every unit's
 * output over the plane, the gradient norm and the share of flat units over time.
 */
export class LayersView {
  private readonly cards: Card[] = [];
  private readonly outputGrad: CanvasRenderingContext2D;

  constructor(root: HTMLElement, private readonly run: Run, title: string) {
    const box = el('div', { class: 'layers' }, el('h2', {}, title));
    run.hidden.forEach((l, i) => {
      const def = getActivation(l.activation);
      const act = canvas(220, 110, 'act');
      const units = canvas(Math.min(8, l.units) * (TILE + 2), Math.ceil(l.units / 8) * (TILE + 2), 'units');
      const grad = canvas(220, 44, 'spark');
      const flat = canvas(220, 44, 'spark');
      const stats = el('div', { class: 'stats' });
      const params = Object.entries(l.params).map(([k, v]) => `${k}=${v}`).join(', ');
      box.append(el('div', { class: 'card', id: `layer-${i}` },
        el('h3', {}, `hidden ${i + 1} · ${l.units} × ${l.activation}${params ? ` (${params})` : ''}`),
        el('div', { class: 'formula' }, `a = ${def.formula}`, el('br'), `a′ = ${def.derivative}`),
        act, el('div', { class: 'legend' }, el('b', {}, '— f(s)  '), el('span', { class: 'red' }, '- - f′(s)  '), el('span', { class: 'grey' }, '▮ s now')),
        units, grad, flat, stats));
      this.cards.push({
        act: act.getContext('2d')!, units: units.getContext('2d')!, grad: grad.getContext('2d')!,
        flat: flat.getContext('2d')!, stats,
      });
    });
    const og = canvas(220, 44, 'spark');
    box.append(el('div', { class: 'card' }, el('h3', {}, `output · ${run.state.output}`), og));
    this.outputGrad = og.getContext('2d')!;
    root.append(box);
  }

  /**
   * Redraws every card: `probe` from run.inspect(); `grid` the same over a g×g grid of the plane,
   * or (1-D input) over g points along x.
   */
  draw(probe: LayerView[], grid: LayerView[], g: number, oneD = false): void {
    // Each layer's plot spans where 98% of its pre-activations are (at least ±4, at most ±20).
    const ranges = probe.map((v) => {
      const sorted = Float32Array.from(v.pre, Math.abs).sort();
      return Math.min(20, Math.max(4, Math.ceil(sorted[Math.floor(0.98 * (sorted.length - 1))] ?? 0)));
    });
    const curves = activationCurves(this.run, ranges);
    const health = this.run.recordHealth(probe, curves.map((c) => c.peak));
    const learnt = learntParams(this.run);
    probe.forEach((v, i) => {
      const c = this.cards[i];
      drawActivation(c.act, curves[i].s, curves[i].f, curves[i].df, v.pre, ranges[i]);
      if (oneD) drawUnitCurves(c.units, grid[i].post, v.units, g, 8, TILE, 2);
      else drawUnits(c.units, grid[i].post, v.units, g, 8, TILE, 2);
      const gn = this.run.gradNorms[i];
      drawLines(c.grad, [{ values: gn, colour: '#1f77b4' }], { log: true, title: `‖∂L/∂W‖ ${fmt(gn[gn.length - 1])}` });
      drawLines(c.flat, [{ values: this.run.flatFractions[i], colour: '#d62728' }], { min: 0, max: 1, title: `flat: f′ < 4% of peak ${(100 * health[i].flat).toFixed(0)}%` });
      const params = learnt[i].map(([n, x]) => ` · learnt ${n} = ${x.toPrecision(3)}`).join('');
      c.stats.textContent = `dead units: ${Math.round(health[i].dead * v.units)} / ${v.units}${params}`;
      c.stats.dataset.dead = String(health[i].dead);
    });
    const last = this.run.gradNorms[this.run.gradNorms.length - 1];
    drawLines(this.outputGrad, [{ values: last, colour: '#1f77b4' }], { log: true, title: `‖∂L/∂W‖ ${fmt(last[last.length - 1])}` });
  }
}

function fmt(v: number | undefined): string {
  return v === undefined ? '–' : v.toPrecision(3);
}
