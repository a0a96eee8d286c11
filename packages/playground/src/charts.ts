/** Small line and histogram charts drawn on canvases (no chart library: a few lines each). */

export interface Series {
  values: ArrayLike<number>;
  colour: string;
  dash?: number[];
  label?: string;
}

/** Lines over a shared x index; `log` plots log10 of positive values. */
export function drawLines(ctx: CanvasRenderingContext2D, series: Series[], opts: { log?: boolean; title?: string; min?: number; max?: number } = {}): void {
  const { width: w, height: h } = ctx.canvas;
  ctx.clearRect(0, 0, w, h);
  const tf = (v: number) => (opts.log ? Math.log10(Math.max(v, 1e-6)) : v);
  let lo = opts.min ?? Infinity;
  let hi = opts.max ?? -Infinity;
  let n = 0;
  for (const s of series) {
    n = Math.max(n, s.values.length);
    if (opts.min === undefined || opts.max === undefined) {
      for (let i = 0; i < s.values.length; i++) {
        const v = tf(s.values[i]);
        if (!Number.isFinite(v)) continue;
        if (opts.min === undefined) lo = Math.min(lo, v);
        if (opts.max === undefined) hi = Math.max(hi, v);
      }
    }
  }
  const top = opts.title ? 16 : 4;
  if (opts.title) {
    ctx.fillStyle = '#555';
    ctx.font = '11px sans-serif';
    ctx.fillText(opts.title, 4, 11);
  }
  if (n < 2 || !(hi >= lo)) return;
  if (hi === lo) {
    hi += 0.5;
    lo -= 0.5;
  }
  const x = (i: number) => (i / (n - 1)) * (w - 2) + 1;
  const y = (v: number) => top + (1 - (tf(v) - lo) / (hi - lo)) * (h - top - 3);
  for (const s of series) {
    ctx.strokeStyle = s.colour;
    ctx.setLineDash(s.dash ?? []);
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let started = false;
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i];
      if (!Number.isFinite(tf(v))) continue;
      ctx[started ? 'lineTo' : 'moveTo'](x(i), y(v));
      started = true;
    }
    ctx.stroke();
  }
  ctx.setLineDash([]);
  ctx.fillStyle = '#999';
  ctx.font = '10px sans-serif';
  const fmt = (v: number) => (opts.log ? 10 ** v : v).toPrecision(2);
  ctx.fillText(fmt(hi), w - 34, top + 8);
  ctx.fillText(fmt(lo), w - 34, h - 4);
}

/**
 * An activation's f(s) and f'(s) over [−r, r], with the histogram of the layer's current
 * pre-activations behind them: where the units sit on the curve.
 */
export function drawActivation(ctx: CanvasRenderingContext2D, s: Float32Array, f: Float32Array, df: Float32Array, pre: Float32Array, r: number): void {
  const { width: w, height: h } = ctx.canvas;
  ctx.clearRect(0, 0, w, h);
  const bins = 40;
  const counts = new Array<number>(bins).fill(0);
  let outside = 0;
  for (let i = 0; i < pre.length; i++) {
    const b = Math.floor(((pre[i] + r) / (2 * r)) * bins);
    if (b >= 0 && b < bins) counts[b]++;
    else outside++;
  }
  const peak = Math.max(1, ...counts);
  ctx.fillStyle = 'rgba(120,120,120,0.28)';
  for (let b = 0; b < bins; b++) {
    const bh = (counts[b] / peak) * (h - 6);
    ctx.fillRect((b / bins) * w, h - bh, w / bins - 1, bh);
  }
  // f and f' each get their own vertical scale: a ReLU's f reaches r while its f' stays at 1.
  const range = (v: Float32Array) => {
    let lo = 0;
    let hi = 1;
    for (let i = 0; i < v.length; i++) {
      lo = Math.min(lo, v[i]);
      hi = Math.max(hi, v[i]);
    }
    return [lo, hi] as const;
  };
  const x = (v: number) => ((v + r) / (2 * r)) * w;
  const scale = ([lo, hi]: readonly [number, number]) => (v: number) => 4 + (1 - (v - lo) / (hi - lo)) * (h - 8);
  const y = scale(range(f));
  const y2 = scale(range(df));
  ctx.strokeStyle = '#ccc';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(0, y(0));
  ctx.lineTo(w, y(0));
  ctx.moveTo(x(0), 0);
  ctx.lineTo(x(0), h);
  ctx.stroke();
  const curve = (v: Float32Array, yy: (v: number) => number, colour: string, dash: number[]) => {
    ctx.strokeStyle = colour;
    ctx.setLineDash(dash);
    ctx.lineWidth = 2;
    ctx.beginPath();
    for (let i = 0; i < s.length; i++) ctx[i === 0 ? 'moveTo' : 'lineTo'](x(s[i]), yy(v[i]));
    ctx.stroke();
  };
  curve(f, y, '#222', []);
  curve(df, y2, '#d62728', [5, 3]);
  ctx.setLineDash([]);
  ctx.fillStyle = '#666';
  ctx.font = '10px sans-serif';
  ctx.fillText(`−${r}`, 2, h - 2);
  ctx.fillText(`${r}`, w - 14, h - 2);
  if (outside >= 0.005 * pre.length) ctx.fillText(`${((100 * outside) / pre.length).toFixed(0)}% of s beyond ±${r}`, 4, 10);
  ctx.fillStyle = '#d62728';
  const [, dfMax] = range(df);
  ctx.fillText(`f′ ${dfMax.toPrecision(2)}`, w - 40, y2(dfMax) + 10);
}
