import { tensor, type Tensor } from '@actgrad/tensor';
import type { Point } from './data.js';

/** Class colours (the first two as in TensorFlow Playground: orange and blue). */
export const PALETTE: Array<[number, number, number]> = [
  [245, 147, 34], [8, 119, 189], [46, 160, 67], [148, 103, 189], [214, 39, 40], [23, 190, 207],
];

/** Inputs on a g×g grid over [−1, 1]², row by row from the top (y = 1) down. */
export function gridInputs(g: number): Tensor {
  const x = new Float32Array(g * g * 2);
  for (let r = 0; r < g; r++) {
    for (let c = 0; c < g; c++) {
      x[2 * (r * g + c)] = -1 + (2 * c + 1) / g;
      x[2 * (r * g + c) + 1] = 1 - (2 * r + 1) / g;
    }
  }
  return tensor(x, { shape: [g * g, 2] });
}

/** Inputs along the x axis of [−1, 1] for a 1-D curve. */
export function lineInputs(n: number): Tensor {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = -1 + (2 * i) / (n - 1);
  return tensor(x, { shape: [n, 1] });
}

const scratch = new Map<number, { canvas: HTMLCanvasElement; image: ImageData }>();

function tile(g: number) {
  let t = scratch.get(g);
  if (!t) {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = g;
    t = { canvas, image: canvas.getContext('2d')!.createImageData(g, g) };
    scratch.set(g, t);
  }
  return t;
}

/** Colour of one grid cell: the predicted class blended toward white by uncertainty. */
function cellColour(out: Float32Array, i: number, k: number, rgba: Uint8ClampedArray, at: number): void {
  let cls: number;
  let conf: number;
  if (k === 1) {
    const p = Math.min(1, Math.max(0, out[i]));
    cls = p >= 0.5 ? 1 : 0;
    conf = Math.abs(2 * p - 1);
  } else {
    cls = 0;
    for (let j = 1; j < k; j++) if (out[i * k + j] > out[i * k + cls]) cls = j;
    conf = Math.min(1, Math.max(0, (out[i * k + cls] - 1 / k) / (1 - 1 / k)));
  }
  const c = PALETTE[cls % PALETTE.length];
  const w = 0.75 * conf;
  rgba[at] = 255 + (c[0] - 255) * w;
  rgba[at + 1] = 255 + (c[1] - 255) * w;
  rgba[at + 2] = 255 + (c[2] - 255) * w;
  rgba[at + 3] = 255;
}

/** Decision regions of a classifier (outputs of a g×g grid, k per cell) with the data points. */
export function drawBoundary(ctx: CanvasRenderingContext2D, out: Float32Array, g: number, k: number, train: Point[], test: Point[]): void {
  const { canvas, image } = tile(g);
  for (let i = 0; i < g * g; i++) cellColour(out, i, k, image.data, 4 * i);
  canvas.getContext('2d')!.putImageData(image, 0, 0);
  const size = ctx.canvas.width;
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(canvas, 0, 0, size, size);
  drawPoints(ctx, train, false);
  drawPoints(ctx, test, true);
}

/** Train points filled, test points as rings. */
function drawPoints(ctx: CanvasRenderingContext2D, points: Point[], hollow: boolean): void {
  const size = ctx.canvas.width;
  const r = Math.max(2.5, size / 140);
  ctx.lineWidth = hollow ? 1.6 : 1;
  for (const p of points) {
    const c = PALETTE[p.label % PALETTE.length];
    const x = ((p.x + 1) / 2) * size;
    const y = ((1 - p.y) / 2) * size;
    ctx.beginPath();
    ctx.arc(x, y, r, 0, 2 * Math.PI);
    if (hollow) {
      ctx.strokeStyle = `rgb(${c[0]},${c[1]},${c[2]})`;
      ctx.fillStyle = 'rgba(255,255,255,0.85)';
      ctx.fill();
      ctx.stroke();
    } else {
      ctx.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`;
      ctx.strokeStyle = '#fff';
      ctx.fill();
      ctx.stroke();
    }
  }
}

/** A fitted 1-D curve over its targets; `yRange` is the vertical extent of the plot. */
export function drawCurve(ctx: CanvasRenderingContext2D, xs: Tensor, out: Float32Array, yRange: [number, number], train: Point[], test: Point[]): void {
  const size = ctx.canvas.width;
  const [lo, hi] = yRange;
  const pad = (hi - lo) * 0.08;
  const sy = (v: number) => size - ((v - (lo - pad)) / (hi - lo + 2 * pad)) * size;
  const sx = (v: number) => ((v + 1) / 2) * size;
  ctx.fillStyle = '#fafafa';
  ctx.fillRect(0, 0, size, size);
  ctx.strokeStyle = '#ddd';
  ctx.lineWidth = 1;
  for (const v of [lo, (lo + hi) / 2, hi]) {
    ctx.beginPath();
    ctx.moveTo(0, sy(v));
    ctx.lineTo(size, sy(v));
    ctx.stroke();
    ctx.fillStyle = '#888';
    ctx.font = '11px sans-serif';
    ctx.fillText(String(v), 4, sy(v) - 3);
  }
  for (const [points, colour] of [[train, PALETTE[1]], [test, PALETTE[0]]] as const) {
    ctx.fillStyle = `rgb(${colour.join(',')})`;
    for (const p of points) {
      ctx.beginPath();
      ctx.arc(sx(p.x), sy(p.y), 2.5, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
  const x = xs.data;
  ctx.strokeStyle = '#222';
  ctx.lineWidth = 2.5;
  ctx.beginPath();
  for (let i = 0; i < out.length; i++) ctx[i === 0 ? 'moveTo' : 'lineTo'](sx(x[i]), sy(out[i]));
  ctx.stroke();
}

/**
 * Every unit's output over the plane as small diverging heat maps (orange < 0 < blue), `cols`
 * per row: all tiles go into one image and one scaled draw (a draw per tile cost ~1 ms each).
 */
export function drawUnits(ctx: CanvasRenderingContext2D, post: Float32Array, units: number, g: number, cols: number, tilePx: number, gapPx: number): void {
  const rows = Math.ceil(units / cols);
  // One grid pixel of gap in the image becomes gapPx on screen (rounded), as the image is scaled by tilePx/g.
  const gap = Math.max(1, Math.round((gapPx * g) / tilePx));
  const w = cols * (g + gap);
  const h = rows * (g + gap);
  const key = w * 100000 + h;
  let t = scratch.get(-key);
  if (!t) {
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    t = { canvas, image: canvas.getContext('2d')!.createImageData(w, h) };
    scratch.set(-key, t);
  }
  const rgba = t.image.data;
  rgba.fill(255);
  for (let u = 0; u < units; u++) {
    let max = 1e-6;
    for (let i = 0; i < g * g; i++) max = Math.max(max, Math.abs(post[i * units + u]));
    const ox = (u % cols) * (g + gap);
    const oy = Math.floor(u / cols) * (g + gap);
    for (let i = 0; i < g * g; i++) {
      const v = post[i * units + u] / max;
      const c = v >= 0 ? PALETTE[1] : PALETTE[0];
      const k = Math.abs(v);
      const at = 4 * ((oy + Math.floor(i / g)) * w + ox + (i % g));
      rgba[at] = 255 + (c[0] - 255) * k;
      rgba[at + 1] = 255 + (c[1] - 255) * k;
      rgba[at + 2] = 255 + (c[2] - 255) * k;
    }
  }
  t.canvas.getContext('2d')!.putImageData(t.image, 0, 0);
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(t.canvas, 0, 0, (w * tilePx) / g, (h * tilePx) / g);
}

/** For a 1-D input: every unit's output along x as a small curve, `cols` tiles per row. */
export function drawUnitCurves(ctx: CanvasRenderingContext2D, post: Float32Array, units: number, n: number, cols: number, tilePx: number, gapPx: number): void {
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  ctx.lineWidth = 1.2;
  ctx.strokeStyle = `rgb(${PALETTE[1].join(',')})`;
  for (let u = 0; u < units; u++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, post[i * units + u]);
      hi = Math.max(hi, post[i * units + u]);
    }
    const span = hi - lo || 1;
    const ox = (u % cols) * (tilePx + gapPx);
    const oy = Math.floor(u / cols) * (tilePx + gapPx);
    ctx.fillStyle = '#f3f3f3';
    ctx.fillRect(ox, oy, tilePx, tilePx);
    ctx.beginPath();
    for (let i = 0; i < n; i++) {
      const x = ox + (i / (n - 1)) * tilePx;
      const y = oy + tilePx - 2 - ((post[i * units + u] - lo) / span) * (tilePx - 4);
      ctx[i === 0 ? 'moveTo' : 'lineTo'](x, y);
    }
    ctx.stroke();
  }
}
