import type { Tensor } from '@actgrad/tensor';
import type { Variable } from './variable.js';

/** Options of {@link toDot}. */
export interface DotOptions {
  /** Print each value's data (up to `maxElements`, then "…"). Default false. */
  readonly values?: boolean;
  /** Print each gradient that backward() left in `grad` (leaves, retainGrad nodes). Default false. */
  readonly grads?: boolean;
  /** Elements shown per tensor with `values`/`grads`. Default 4. */
  readonly maxElements?: number;
  /** Layout direction: left to right (default, like micrograd's draw_dot) or top to bottom. */
  readonly rankdir?: 'LR' | 'TB';
  /** Graph title, shown above the drawing. */
  readonly title?: string;
}

/** Fill of a value that needs a gradient, and of one that does not (an input, a constant). */
const NEEDS_GRAD = '#fde7c8';
const NO_GRAD = '#eeeeee';

/**
 * The computation graph behind `root` in Graphviz DOT, like micrograd's `draw_dot`: one box per
 * value (its name or role, shape and dtype; optionally data and gradient), one ellipse per op
 * (its registry name) between its inputs and its output. Values that need a gradient are
 * orange, constants and inputs grey. Render it with Graphviz (`dot -Tsvg`) or, in Node without
 * a native Graphviz, with `@viz-js/viz`. Walks the graph iteratively and draws a value used
 * twice once, with two outgoing edges.
 */
export function toDot(root: Variable, opts: DotOptions = {}): string {
  const max = opts.maxElements ?? 4;
  const ids = new Map<Variable, string>();
  const order: Variable[] = [];
  const stack: Variable[] = [root];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (ids.has(v)) continue;
    if (v.released) {
      throw new Error(`toDot: the graph through '${v.op?.name ?? '?'}' was freed by backward(); draw it before backward, or pass { retainGraph: true } to backward()`);
    }
    ids.set(v, `v${ids.size}`);
    order.push(v);
    for (const input of v.inputs ?? []) if (!ids.has(input)) stack.push(input);
  }

  const lines = [
    'digraph actgrad {',
    `  graph [rankdir=${opts.rankdir ?? 'LR'}, fontname="Helvetica", fontsize=11${opts.title ? `, label=${quote(opts.title)}, labelloc=t` : ''}];`,
    '  node [fontname="Helvetica", fontsize=10];',
    '  edge [color="#888888", arrowsize=0.6];',
  ];
  for (const v of order) {
    const id = ids.get(v)!;
    const rows = [`${role(v, root)}  [${v.shape.join(', ')}] ${v.dtype}`];
    if (opts.values) rows.push(`data ${preview(v.data, max)}`);
    if (opts.grads && v.grad !== null) rows.push(`grad ${preview(v.grad, max)}`);
    const fill = v.requiresGrad ? NEEDS_GRAD : NO_GRAD;
    lines.push(`  ${id} [shape=box, style="rounded,filled", fillcolor="${fill}", label=${quote(rows.join('\n'))}];`);
    if (v.op !== null && v.inputs !== null) {
      lines.push(`  ${id}_op [shape=ellipse, style=filled, fillcolor="#dbe8f6", label=${quote(v.op.name)}];`);
      lines.push(`  ${id}_op -> ${id};`);
      for (const input of v.inputs) lines.push(`  ${ids.get(input)!} -> ${id}_op;`);
    }
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function role(v: Variable, root: Variable): string {
  if (v.name) return v.name;
  if (v === root) return 'output';
  if (v.op === null) return v.requiresGrad ? 'leaf' : 'input';
  return v.op.name;
}

function preview(t: Tensor, max: number): string {
  const c = t.contiguous();
  const shown: string[] = [];
  for (let i = 0; i < Math.min(max, c.size); i++) shown.push(formatNumber(c.data[c.offset + i]!));
  return `[${shown.join(', ')}${c.size > max ? ', …' : ''}]`;
}

function formatNumber(x: number): string {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? String(Number(x.toPrecision(4))) : x.toExponential(2);
}

/** A DOT string literal: quotes and backslashes escaped, newlines as centred line breaks. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
