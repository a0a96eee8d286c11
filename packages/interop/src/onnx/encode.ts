import { ProtoWriter } from '../protobuf/writer.js';
import { ATTR, DT, F, type OnnxAttribute, type OnnxGraph, type OnnxModel, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from './schema.js';

function tensor(t: OnnxTensor): ProtoWriter {
  const w = new ProtoWriter().ints(F.tensor.dims, t.dims).int(F.tensor.dataType, t.dataType).string(F.tensor.name, t.name);
  // raw_data is little-endian by the spec; typed arrays are little-endian on every platform Node runs on.
  let raw: ArrayBufferView;
  if (t.dataType === DT.float) raw = Float32Array.from(t.values);
  else if (t.dataType === DT.double) raw = Float64Array.from(t.values);
  else if (t.dataType === DT.int64) raw = BigInt64Array.from(t.values, (v) => BigInt(v));
  else throw new Error(`toOnnx: cannot write tensor '${t.name}' of data type ${t.dataType}`);
  return w.bytes(F.tensor.rawData, new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
}

function attribute(a: OnnxAttribute): ProtoWriter {
  const w = new ProtoWriter().string(F.attribute.name, a.name).int(F.attribute.type, a.type);
  if (a.type === ATTR.float) w.float(F.attribute.f, a.f!);
  else if (a.type === ATTR.int) w.int(F.attribute.i, a.i!);
  else if (a.type === ATTR.string) w.string(F.attribute.s, a.s!);
  else if (a.type === ATTR.tensor) w.message(F.attribute.t, tensor(a.t!));
  else if (a.type === ATTR.ints) w.ints(F.attribute.ints, a.ints!);
  else throw new Error(`toOnnx: cannot write attribute '${a.name}' of type ${a.type}`);
  return w;
}

function node(n: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(F.node.input, i);
  for (const o of n.outputs) w.string(F.node.output, o);
  w.string(F.node.name, n.name).string(F.node.opType, n.opType);
  for (const a of n.attributes) w.message(F.node.attribute, attribute(a));
  if (n.domain) w.string(F.node.domain, n.domain);
  return w;
}

function valueInfo(v: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.dims) {
    shape.message(F.shape.dim, typeof d === 'number' ? new ProtoWriter().int(F.dim.value, d) : new ProtoWriter().string(F.dim.param, d));
  }
  const tensorType = new ProtoWriter().int(F.tensorType.elemType, v.elemType).message(F.tensorType.shape, shape);
  return new ProtoWriter().string(F.valueInfo.name, v.name).message(F.valueInfo.type, new ProtoWriter().message(F.type.tensorType, tensorType));
}

function graph(g: OnnxGraph): ProtoWriter {
  const w = new ProtoWriter();
  for (const n of g.nodes) w.message(F.graph.node, node(n));
  w.string(F.graph.name, g.name);
  for (const t of g.initializers) w.message(F.graph.initializer, tensor(t));
  for (const v of g.inputs) w.message(F.graph.input, valueInfo(v));
  for (const v of g.outputs) w.message(F.graph.output, valueInfo(v));
  return w;
}

/** Serialises a model to ONNX protobuf bytes. */
export function encodeModel(m: OnnxModel): Uint8Array {
  const w = new ProtoWriter().int(F.model.irVersion, m.irVersion);
  w.string(F.model.producerName, m.producerName).string(F.model.producerVersion, m.producerVersion);
  if (m.docString) w.string(F.model.docString, m.docString);
  w.message(F.model.graph, graph(m.graph));
  for (const o of m.opsetImports) {
    const op = new ProtoWriter();
    if (o.domain) op.string(F.opset.domain, o.domain);
    w.message(F.model.opsetImport, op.int(F.opset.version, o.version));
  }
  return w.finish();
}
