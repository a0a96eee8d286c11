import { ATTR, DT, type OnnxAttribute, type OnnxNode, type OnnxTensor } from './schema.js';

/** An attribute value: numbers become float attributes unless wrapped with {@link int}. */
export type AttrValue = number | string | { int: number } | { ints: number[] };

/** Marks an attribute value as an integer (`axis`, `transB`). */
export const int = (v: number): { int: number } => ({ int: v });

/**
 * Collects the nodes and constants of an ONNX graph. Activation exporters (built-in or a user's
 * hook for a custom activation) write through this, so they never see protobuf.
 */
export class OnnxBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly used = new Set<string>();
  private readonly scalars = new Map<number, string>();

  constructor(
    /** The opset the graph targets: exporters choose ops by it (native Gelu from 20). */
    readonly opset: number,
    /** Element type of every float tensor in the graph. */
    readonly dtype: 'float32' | 'float64',
    /** Prefix of the names this builder makes, e.g. `layers.3`. */
    public scope = '',
  ) {}

  /** A name not used before, under the current scope. */
  fresh(base: string): string {
    const stem = this.scope ? `${this.scope}/${base}` : base;
    let name = stem;
    for (let i = 1; this.used.has(name); i++) name = `${stem}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Adds `opType(inputs…)` and returns the name of its (single) output. */
  node(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}): string {
    const name = this.fresh(opType);
    const output = `${name}_output`;
    this.nodes.push({ name, opType, domain: '', inputs, outputs: [output], attributes: Object.entries(attrs).map(([k, v]) => toAttribute(k, v)) });
    return output;
  }

  /** Adds a float tensor (in the graph's dtype) of shape `dims` under exactly `name`. */
  initializer(name: string, values: ArrayLike<number>, dims: number[] = []): string {
    if (this.initializers.some((t) => t.name === name)) throw new Error(`toOnnx: the name '${name}' is used twice`);
    this.used.add(name);
    this.initializers.push({ name, dataType: this.dtype === 'float64' ? DT.double : DT.float, dims, values: Float64Array.from(values) });
    return name;
  }

  /** A scalar constant, shared by every node that needs the same value. */
  scalar(value: number): string {
    let name = this.scalars.get(value);
    if (name === undefined) {
      const saved = this.scope;
      this.scope = '';
      name = this.initializer(this.fresh('const'), [value]);
      this.scope = saved;
      this.scalars.set(value, name);
    }
    return name;
  }
}

function toAttribute(name: string, v: AttrValue): OnnxAttribute {
  if (typeof v === 'number') return { name, type: ATTR.float, f: v };
  if (typeof v === 'string') return { name, type: ATTR.string, s: v };
  if ('int' in v) return { name, type: ATTR.int, i: v.int };
  return { name, type: ATTR.ints, ints: v.ints };
}
