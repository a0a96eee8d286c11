import { meanStd, type MeanStd } from '../format.js';
import type { CurvePoint, HealthPoint, LayerNormPoint } from '../report/charts.js';
import type { EpochRecord, LabResult, RunRecord } from './types.js';

/** One row of the lab's summary table: every number is over the seeds of one configuration. */
export interface ConfigSummary {
  config: string;
  activation: string;
  output: string;
  seeds: number;
  trainLoss: MeanStd;
  testLoss: MeanStd;
  metric: MeanStd;
  /** Over the seeds that reached the threshold; `reached` says how many did. */
  epochsToThreshold: MeanStd;
  reached: number;
  seconds: MeanStd;
}

/** Groups runs by configuration, keeping the order configurations first appear in. */
export function groupByConfig(runs: readonly RunRecord[]): Map<string, RunRecord[]> {
  const groups = new Map<string, RunRecord[]>();
  for (const run of runs) {
    const list = groups.get(run.config);
    if (list) list.push(run);
    else groups.set(run.config, [run]);
  }
  return groups;
}

export function summarize(runs: readonly RunRecord[]): ConfigSummary[] {
  return [...groupByConfig(runs)].map(([config, group]) => {
    const reached = group.filter((r) => r.epochsToThreshold !== null);
    return {
      config,
      activation: group[0]!.activation,
      output: group[0]!.output,
      seeds: group.length,
      trainLoss: meanStd(group.map((r) => r.trainLoss)),
      testLoss: meanStd(group.map((r) => r.testLoss)),
      metric: meanStd(group.map((r) => r.metric)),
      epochsToThreshold: meanStd(reached.map((r) => r.epochsToThreshold!)),
      reached: reached.length,
      seconds: meanStd(group.map((r) => r.seconds)),
    };
  });
}

/** The first epoch (1-based) whose value reaches `threshold`, or null. */
export function firstEpochReaching(history: readonly EpochRecord[], threshold: number): number | null {
  for (const h of history) if (h.metric >= threshold) return h.epoch;
  return null;
}

/**
 * Mean over seeds, epoch by epoch, with the lowest and highest seed as the band. Runs of one
 * configuration share their epoch count, so epochs line up.
 */
export function bandCurves(
  runs: readonly RunRecord[],
  series: (e: EpochRecord) => Record<string, number>,
): CurvePoint[] {
  const out: CurvePoint[] = [];
  for (const [config, group] of groupByConfig(runs)) {
    const epochs = Math.min(...group.map((r) => r.history.length));
    for (let i = 0; i < epochs; i++) {
      const perSeed = group.map((r) => series(r.history[i]!));
      for (const name of Object.keys(perSeed[0]!)) {
        const values = perSeed.map((s) => s[name]!).filter((v) => Number.isFinite(v));
        if (values.length === 0) continue;
        out.push({
          config,
          activation: group[0]!.activation,
          output: group[0]!.output,
          series: name,
          epoch: group[0]!.history[i]!.epoch,
          mean: values.reduce((a, b) => a + b, 0) / values.length,
          lo: Math.min(...values),
          hi: Math.max(...values),
        });
      }
    }
  }
  return out;
}

export const lossSeries = (e: EpochRecord) => ({ 'train loss': e.trainLoss, 'test loss': e.testLoss });

/** Layer names used in every per-layer chart. */
export function layerName(index: number, count: number): string {
  return index === count - 1 ? 'output layer' : `hidden ${index + 1}`;
}

export function gradNormSeries(e: EpochRecord): Record<string, number> {
  const out: Record<string, number> = {};
  e.gradNorms.forEach((v, i) => (out[layerName(i, e.gradNorms.length)] = v));
  return out;
}

/**
 * Dead and saturated fractions, averaged over seeds, one panel per (measure, hidden layer) that
 * some configuration measures: ReLU layers have dead units, sigmoid and tanh layers saturate.
 */
export function healthPoints(runs: readonly RunRecord[]): HealthPoint[] {
  const out: HealthPoint[] = [];
  for (const p of bandCurves(runs, (e) => {
    const o: Record<string, number> = {};
    e.dead.forEach((v, i) => (o[`dead units, hidden ${i + 1}`] = v));
    e.saturated.forEach((v, i) => (o[`saturated units, hidden ${i + 1}`] = v));
    return o;
  })) {
    out.push({ config: p.config, activation: p.activation!, output: p.output, epoch: p.epoch, panel: p.series, fraction: p.mean });
  }
  // Panels in reading order: dead units by layer, then saturated units by layer.
  const rank = (panel: string) => (panel.startsWith('dead') ? 0 : 1e6) + Number(/(\d+)$/.exec(panel)?.[1] ?? 0);
  return out.sort((a, b) => rank(a.panel) - rank(b.panel));
}

/** Per-layer gradient norm at initialisation, averaged over seeds: the vanishing-gradient profile. */
export function initialProfile(runs: readonly RunRecord[]): LayerNormPoint[] {
  const out: LayerNormPoint[] = [];
  for (const [config, group] of groupByConfig(runs)) {
    const layers = group[0]!.initialGradNorms.length;
    for (let l = 0; l < layers; l++) {
      const norm = group.reduce((s, r) => s + r.initialGradNorms[l]!, 0) / group.length;
      out.push({ config, layer: l + 1, norm });
    }
  }
  return out;
}

/** The lab's summary as one JSON object (for scripts): numbers over seeds per configuration. */
/** Timing of a sweep: wall clock, CPU time of the whole process (workers included), threads used. */
export interface SweepTiming {
  wallSeconds: number;
  cpuSeconds: number;
  threads: number;
}

export function labJson(result: LabResult, reportPath: string, timing?: SweepTiming): string {
  const o = result.options;
  return JSON.stringify({
    task: o.task, outputs: o.outputs, seeds: o.seeds, epochs: o.settings.epochs, metric: result.metric, threshold: o.threshold,
    sameStart: o.sameStart === true,
    configurations: summarize(result.runs).map((s) => ({
      config: s.config, hidden: s.activation, output: s.output,
      trainLoss: s.trainLoss, testLoss: s.testLoss, metric: s.metric,
      epochsToThreshold: s.epochsToThreshold, reached: s.reached, seconds: s.seconds,
    })),
    skipped: result.skipped,
    ...timing,
    report: reportPath,
  }, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}
