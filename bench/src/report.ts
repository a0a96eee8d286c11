import type { Machine } from './machine.js';
import type { Summary } from './stats.js';
import { workloads, type WorkloadId } from './spec.js';

/** One figure of one runner: the summary over its fresh processes. */
export interface ResultRow extends Summary {
  workload: WorkloadId;
  case: string;
  metric: string;
  runner: string;
  label: string;
  backend: string;
}

export interface Results {
  date: string;
  mode: 'quick' | 'full';
  command: string;
  machine: Machine;
  versions: Record<string, string>;
  /** The actgrad runner whose ratios the tables show: the backend actgrad picks by default. */
  reference: string;
  /** Fresh processes per runner, by workload. */
  repetitions: Partial<Record<WorkloadId, number>>;
  settings: Record<string, unknown>;
  rows: ResultRow[];
  notes: string[];
}

/** The figure each workload's ratios are taken on; all of them are higher-is-better. */
export const primaryMetric: Record<WorkloadId, string> = {
  w1: 'steps_per_s',
  w2: 'steps_per_s',
  w3: 'gflops',
  w4: 'elements_per_s',
};

const titles: Record<WorkloadId, string> = {
  w1: `W1 tiny: two moons (n = ${workloads.w1.data.n}), MLP ${workloads.w1.model.sizes.join('-')} tanh/sigmoid, BCE, SGD ${workloads.w1.optimizer.lr}, batch ${workloads.w1.batchSize}`,
  w2: `W2 mlp: MLP ${workloads.w2.model.sizes.join('-')} ReLU/softmax, cross-entropy, Adam ${workloads.w2.optimizer.lr}, batch ${workloads.w2.batchSize}`,
  w3: 'W3 matmul: square float32 C = A·B, GFLOP/s',
  w4: `W4 activations: forward + backward over ${workloads.w4.shape[0]! * workloads.w4.shape[1]!} float32 elements, million elements/s`,
};

const metricNames: Record<string, string> = {
  steps_per_s: 'steps/s',
  samples_per_s: 'samples/s',
  final_train_acc: 'final train acc',
  gflops: 'GFLOP/s',
  elements_per_s: 'M elements/s',
};
const metricName = (metric: string) =>
  metricNames[metric] ?? metric.replace(/^time_to_(\d+)_epochs_s$/, 'time to $1 epochs (s)');

/** Three significant figures, thousands separated; accuracies as percentages. */
export function formatValue(metric: string, value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (metric === 'final_train_acc') return `${(100 * value).toFixed(1)}%`;
  const v = metric === 'elements_per_s' ? value / 1e6 : value;
  const abs = Math.abs(v);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function cell(row: ResultRow | undefined): string {
  if (!row) return '—';
  const median = formatValue(row.metric, row.median);
  if (row.values.length < 2) return median;
  return `${median} (${formatValue(row.metric, row.min)}–${formatValue(row.metric, row.max)})`;
}

export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '—';
  return `${ratio >= 10 ? ratio.toFixed(0) : ratio >= 1 ? ratio.toFixed(2) : ratio.toPrecision(2)}×`;
}

const table = (header: string[], body: string[][]) =>
  [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');

function uniqueInOrder(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * One workload's table. W1/W2: a row per runner, a column per metric. W3/W4: a row per case
 * (size, activation), a column per runner. Then actgrad's ratio to each peer on the primary
 * metric (above 1× means actgrad is faster).
 */
function workloadSection(id: WorkloadId, rows: ResultRow[], reference: string): string {
  const primary = primaryMetric[id];
  const find = (runner: string, c: string, metric: string) =>
    rows.find((r) => r.runner === runner && r.case === c && r.metric === metric);
  const runnerIds = uniqueInOrder(rows.map((r) => r.runner));
  const labelOf = (runner: string) => rows.find((r) => r.runner === runner)!.label;
  // Ratios are taken on the backend actgrad picks by default, or on whichever actgrad backend ran.
  const ours = runnerIds.includes(reference) ? reference : runnerIds.find((r) => r.startsWith('actgrad-'));
  const peers = runnerIds.filter((r) => !r.startsWith('actgrad-'));
  const ratio = (peer: string, c: string) =>
    formatRatio((ours ? find(ours, c, primary)?.median ?? Number.NaN : Number.NaN) / (find(peer, c, primary)?.median ?? Number.NaN));

  const lines = [`### ${titles[id]}`, ''];
  if (id === 'w1' || id === 'w2') {
    const metrics = uniqueInOrder(rows.map((r) => r.metric));
    const body = runnerIds.map((runner) => [
      labelOf(runner),
      ...metrics.map((m) => cell(find(runner, '', m))),
      ...(ours ? [peers.includes(runner) ? ratio(runner, '') : ''] : []),
    ]);
    lines.push(table(['runner', ...metrics.map(metricName), ...(ours ? [`${labelOf(ours)} ÷ runner, ${metricName(primary)}`] : [])], body));
    const accuracy = rows.filter((r) => r.metric === 'final_train_acc');
    if (accuracy.length) lines.push('', accuracyLine(accuracy, labelOf));
  } else {
    const cases = uniqueInOrder(rows.map((r) => r.case));
    const ratioPeers = ours ? peers : [];
    const body = cases.map((c) => [c, ...runnerIds.map((runner) => cell(find(runner, c, primary))), ...ratioPeers.map((p) => ratio(p, c))]);
    const header = [id === 'w3' ? 'size' : 'activation', ...runnerIds.map(labelOf), ...ratioPeers.map((p) => `${ours ? labelOf(ours) : ''} ÷ ${labelOf(p)}`)];
    lines.push(table(header, body));
    if (id === 'w4' && cases.includes('relu')) lines.push('', reluSection(rows, runnerIds, labelOf));
  }
  return lines.join('\n');
}

/** W1's bar: every run of every runner reaches the spec's accuracy. */
function accuracyLine(rows: ResultRow[], labelOf: (r: string) => string): string {
  const target = workloads.w1.accuracyTarget;
  const below = rows.filter((r) => r.min < target);
  const bar = `Accuracy bar (≥ ${(100 * target).toFixed(0)}% after ${workloads.w1.epochs} epochs)`;
  if (below.length === 0) return `${bar}: met by every runner in every process.`;
  return `${bar}: missed by ${below.map((r) => `${labelOf(r.runner)} (lowest ${formatValue(r.metric, r.min)})`).join(', ')}.`;
}

/** "ReLU is more efficient computationally": each activation's time per element over ReLU's. */
function reluSection(rows: ResultRow[], runnerIds: string[], labelOf: (r: string) => string): string {
  const cases = uniqueInOrder(rows.map((r) => r.case));
  const rate = (runner: string, c: string) => rows.find((r) => r.runner === runner && r.case === c)?.median ?? Number.NaN;
  const body = cases.map((c) => [c, ...runnerIds.map((runner) => formatRatio(rate(runner, 'relu') / rate(runner, c)))]);
  return ['Cost relative to ReLU (time per element ÷ ReLU\'s; above 1× is slower than ReLU):', '', table(['activation', ...runnerIds.map(labelOf)], body)].join('\n');
}

export function toMarkdown(results: Results): string {
  const m = results.machine;
  const reps = Object.entries(results.repetitions).map(([w, n]) => `${w.toUpperCase()} ${n}`).join(', ');
  const lines = [
    `## actgrad benchmarks (${results.mode}), ${results.date}`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}${m.python ? `, Python ${m.python}` : ''}.`,
    `Packages: ${Object.entries(results.versions).map(([name, v]) => `${name} ${v}`).join(', ')}.`,
    `Backends: ${[...new Map(results.rows.map((r) => [r.label, r.backend])).entries()].map(([label, backend]) => `${label}: ${backend}`).join('; ')}.`,
    `Command: \`${results.command}\`. Each figure is the median over fresh processes (${reps}), min–max in brackets; runners alternate A B A B.`,
    '',
  ];
  for (const id of ['w1', 'w2', 'w3', 'w4'] as const) {
    const rows = results.rows.filter((r) => r.workload === id);
    if (rows.length) lines.push(workloadSection(id, rows, results.reference), '');
  }
  const notes = [...results.notes];
  const blas = results.versions['torch BLAS'];
  if (blas?.startsWith('reference')) {
    notes.push(
      `PyTorch links ${blas} for float32 matmul: without OpenBLAS (\`apt install libopenblas0-pthread\`) its matmul-bound figures (W2, W3) are one to two orders of magnitude below a usual build's.`,
    );
  }
  if (notes.length) lines.push('Notes:', '', ...notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}
