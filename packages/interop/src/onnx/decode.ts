import { DEFAULT_MAX_PARAMETERS } from '@actgrad/nn';
import { ProtoReader } from '../protobuf/reader.js';
import { WIRE } from '../protobuf/writer.js';
import { DT, DT_NAMES, F, type OnnxAttribute, type OnnxGraph, type OnnxModel, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from './schema.js';

/** Limits of {@link decodeModel}. */
export interface DecodeLimits {
  /** Most scalars all tensors together may hold (default 50 million). */
  maxParameters?: number;
}

export { DEFAULT_MAX_PARAMETERS };

const ELEM_BYTES: Record<number, number> = { [DT.float]: 4, [DT.double]: 8, [DT.int64]: 8, [DT.int32]: 4 };

/** What is left of the parameter budget; every tensor is charged before its values are copied. */
interface Budget {
  left: number;
  readonly max: number;
}

function readRepeatedFixed(r: ProtoReader, wire: number, size: 4 | 8, into: number[]): void {
  const read = (rr: ProtoReader) => {
    if (rr.end - rr.pos < size) rr.fail('truncated fixed-size value');
    const dv = new DataView(rr.bytes.buffer, rr.bytes.byteOffset + rr.pos, size);
    into.push(size === 4 ? dv.getFloat32(0, true) : dv.getFloat64(0, true));
    rr.pos += size;
  };
  if (wire === WIRE.bytes) {
    const sub = r.sub(r.what);
    while (!sub.done()) read(sub);
  } else if (wire === (size === 4 ? WIRE.fixed32 : WIRE.fixed64)) read(r);
  else r.fail(`wire type ${wire} for a repeated ${size === 4 ? 'float' : 'double'}`);
}

function decodeTensor(r: ProtoReader, budget: Budget): OnnxTensor {
  const dims: number[] = [];
  let dataType = 0;
  let name = '';
  let raw: [number, number] | null = null;
  let external = false;
  const listed: number[] = [];
  while (!r.done()) {
    const h = r.header();
    if (h.field === F.tensor.dims) r.ints(h.wire, dims);
    else if (h.field === F.tensor.dataType) { r.expect(h, WIRE.varint); dataType = r.int(); }
    else if (h.field === F.tensor.name) { r.expect(h, WIRE.bytes); name = r.string(); }
    else if (h.field === F.tensor.rawData) { r.expect(h, WIRE.bytes); raw = r.span(); }
    else if (h.field === F.tensor.floatData) readRepeatedFixed(r, h.wire, 4, listed);
    else if (h.field === F.tensor.doubleData) readRepeatedFixed(r, h.wire, 8, listed);
    else if (h.field === F.tensor.int64Data || h.field === F.tensor.int32Data) r.ints(h.wire, listed);
    else if (h.field === F.tensor.dataLocation) { r.expect(h, WIRE.varint); external = r.int() === 1; }
    else r.skip(h.wire);
  }
  const label = `tensor '${name}'`;
  if (external) throw new Error(`${r.what}: ${label} keeps its data in an external file, which is not supported`);
  const bytesPer = ELEM_BYTES[dataType];
  if (bytesPer === undefined) throw new Error(`${r.what}: ${label} has data type ${DT_NAMES[dataType] ?? dataType}; only float, double, int32 and int64 are read`);
  let count = 1;
  for (const d of dims) {
    if (d < 0) throw new Error(`${r.what}: ${label} has a negative dimension in [${dims.join(', ')}]`);
    count *= d;
    if (count > budget.left) {
      throw new Error(`${r.what}: ${label} of shape [${dims.join(', ')}] exceeds the limit of ${budget.max} parameters; if you trust the file, raise it with { maxParameters: … }`);
    }
  }
  const values = new Float64Array(0);
  const given = raw ? (raw[1] - raw[0]) / bytesPer : listed.length;
  if (given !== count) {
    throw new Error(`${r.what}: ${label} of shape [${dims.join(', ')}] needs ${count} values but holds ${given}`);
  }
  budget.left -= count;
  if (count === 0) return { name, dataType, dims, values };
  const out = new Float64Array(count);
  if (raw) {
    const dv = new DataView(r.bytes.buffer, r.bytes.byteOffset + raw[0], raw[1] - raw[0]);
    for (let i = 0; i < count; i++) {
      if (dataType === DT.float) out[i] = dv.getFloat32(i * 4, true);
      else if (dataType === DT.double) out[i] = dv.getFloat64(i * 8, true);
      else if (dataType === DT.int32) out[i] = dv.getInt32(i * 4, true);
      else out[i] = Number(dv.getBigInt64(i * 8, true));
    }
  } else out.set(listed);
  return { name, dataType, dims, values: out };
}

function decodeAttribute(r: ProtoReader, budget: Budget): OnnxAttribute {
  const a: OnnxAttribute = { name: '', type: 0 };
  while (!r.done()) {
    const h = r.header();
    if (h.field === F.attribute.name) { r.expect(h, WIRE.bytes); a.name = r.string(); }
    else if (h.field === F.attribute.type) { r.expect(h, WIRE.varint); a.type = r.int(); }
    else if (h.field === F.attribute.f) { r.expect(h, WIRE.fixed32); a.f = r.float(); }
    else if (h.field === F.attribute.i) { r.expect(h, WIRE.varint); a.i = r.int(); }
    else if (h.field === F.attribute.s) { r.expect(h, WIRE.bytes); a.s = r.string(); }
    else if (h.field === F.attribute.t) { r.expect(h, WIRE.bytes); a.t = decodeTensor(r.sub(`${r.what}, attribute '${a.name}'`), budget); }
    else if (h.field === F.attribute.ints) r.ints(h.wire, (a.ints ??= []));
    else if (h.field === F.attribute.floats) readRepeatedFixed(r, h.wire, 4, (a.floats ??= []));
    else r.skip(h.wire);
  }
  return a;
}

function decodeNode(r: ProtoReader, budget: Budget): OnnxNode {
  const n: OnnxNode = { name: '', opType: '', domain: '', inputs: [], outputs: [], attributes: [] };
  while (!r.done()) {
    const h = r.header();
    if (h.wire !== WIRE.bytes) { r.skip(h.wire); continue; }
    if (h.field === F.node.input) n.inputs.push(r.string());
    else if (h.field === F.node.output) n.outputs.push(r.string());
    else if (h.field === F.node.name) n.name = r.string();
    else if (h.field === F.node.opType) n.opType = r.string();
    else if (h.field === F.node.domain) n.domain = r.string();
    else if (h.field === F.node.attribute) n.attributes.push(decodeAttribute(r.sub(`${r.what}, attribute`), budget));
    else r.skip(h.wire);
  }
  return n;
}

/** Calls `on` for each field of `r` with the expected wire type; skips the rest. */
function eachField(r: ProtoReader, wire: number, on: (field: number) => void): void {
  while (!r.done()) {
    const h = r.header();
    if (h.wire === wire) on(h.field);
    else r.skip(h.wire);
  }
}

/** TensorShapeProto.Dimension: a size, or a symbolic name such as `batch`. */
function decodeDim(r: ProtoReader): number | string {
  let dim: number | string = '?';
  while (!r.done()) {
    const h = r.header();
    if (h.field === F.dim.value && h.wire === WIRE.varint) dim = r.int();
    else if (h.field === F.dim.param && h.wire === WIRE.bytes) dim = r.string();
    else r.skip(h.wire);
  }
  return dim;
}

/** ValueInfoProto → TypeProto → TypeProto.Tensor → (elem_type, TensorShapeProto → Dimension…). */
function decodeValueInfo(r: ProtoReader): OnnxValueInfo {
  const v: OnnxValueInfo = { name: '', elemType: 0, dims: [] };
  const tensorType = (t: ProtoReader) => {
    while (!t.done()) {
      const h = t.header();
      if (h.field === F.tensorType.elemType && h.wire === WIRE.varint) v.elemType = t.int();
      else if (h.field === F.tensorType.shape && h.wire === WIRE.bytes) {
        const shape = t.sub(t.what);
        eachField(shape, WIRE.bytes, (f) => (f === F.shape.dim ? v.dims.push(decodeDim(shape.sub(shape.what))) : shape.span()));
      } else t.skip(h.wire);
    }
  };
  eachField(r, WIRE.bytes, (field) => {
    if (field === F.valueInfo.name) v.name = r.string();
    else if (field === F.valueInfo.type) {
      const type = r.sub(r.what);
      eachField(type, WIRE.bytes, (f) => (f === F.type.tensorType ? tensorType(type.sub(type.what)) : type.span()));
    } else r.span();
  });
  return v;
}

function decodeGraph(r: ProtoReader, budget: Budget): OnnxGraph {
  const g: OnnxGraph = { name: '', nodes: [], initializers: [], inputs: [], outputs: [] };
  while (!r.done()) {
    const h = r.header();
    if (h.wire !== WIRE.bytes) { r.skip(h.wire); continue; }
    if (h.field === F.graph.node) g.nodes.push(decodeNode(r.sub(`${r.what}, node ${g.nodes.length}`), budget));
    else if (h.field === F.graph.name) g.name = r.string();
    else if (h.field === F.graph.initializer) g.initializers.push(decodeTensor(r.sub(`${r.what}, initializer ${g.initializers.length}`), budget));
    else if (h.field === F.graph.input) g.inputs.push(decodeValueInfo(r.sub(`${r.what}, input`)));
    else if (h.field === F.graph.output) g.outputs.push(decodeValueInfo(r.sub(`${r.what}, output`)));
    else r.skip(h.wire);
  }
  return g;
}

/**
 * Parses ONNX bytes into plain objects, reading only the fields an MLP uses. The whole file is
 * parsed and checked (lengths, wire types, tensor sizes against `maxParameters`) before anything
 * is built from it; corrupt input is an Error saying where, never a read past the end.
 */
export function decodeModel(bytes: Uint8Array, limits: DecodeLimits = {}): OnnxModel {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('fromOnnx: expected the file contents as a Uint8Array (e.g. from readFile)');
  const max = limits.maxParameters ?? DEFAULT_MAX_PARAMETERS;
  const budget: Budget = { left: max, max };
  const r = new ProtoReader(bytes, 'fromOnnx: model');
  const m: OnnxModel = { irVersion: 0, producerName: '', producerVersion: '', docString: '', opsetImports: [], graph: null as unknown as OnnxGraph };
  while (!r.done()) {
    const h = r.header();
    if (h.field === F.model.irVersion) { r.expect(h, WIRE.varint); m.irVersion = r.int(); }
    else if (h.field === F.model.producerName) { r.expect(h, WIRE.bytes); m.producerName = r.string(); }
    else if (h.field === F.model.producerVersion) { r.expect(h, WIRE.bytes); m.producerVersion = r.string(); }
    else if (h.field === F.model.docString) { r.expect(h, WIRE.bytes); m.docString = r.string(); }
    else if (h.field === F.model.graph) { r.expect(h, WIRE.bytes); m.graph = decodeGraph(r.sub('fromOnnx: graph'), budget); }
    else if (h.field === F.model.opsetImport) {
      r.expect(h, WIRE.bytes);
      const o = r.sub('fromOnnx: opset_import');
      const op = { domain: '', version: 0 };
      while (!o.done()) {
        const oh = o.header();
        if (oh.field === F.opset.domain && oh.wire === WIRE.bytes) op.domain = o.string();
        else if (oh.field === F.opset.version && oh.wire === WIRE.varint) op.version = o.int();
        else o.skip(oh.wire);
      }
      m.opsetImports.push(op);
    } else r.skip(h.wire);
  }
  if (m.graph === null) throw new Error('fromOnnx: not an ONNX model (no graph); is this the right file?');
  return m;
}
