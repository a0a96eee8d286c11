import { getBackend, kernels } from './backend/index.js';
import type { MatrixOperand } from './backend/types.js';
import { checkTensor, prepareOut } from './elementwise.js';
import { fail, failType, fmtShape } from './errors.js';
import { RowWalker, sizeOf } from './shape.js';
import type { Tensor } from './tensor.js';

/**
 * Matrix product. 2-D: [m,k]·[k,n] → [m,n]. Batched: the last two axes are the matrices and
 * the leading axes broadcast ([b,m,k]·[k,n] → [b,m,n]). A 1-D operand is a vector (its axis is
 * dropped from the result), as in NumPy. Transposed and sliced operands go to the backend's
 * gemm as strides, without a copy.
 *
 * @example
 * ```ts
 * matmul(tensor([[1, 2], [3, 4]]), tensor([[1], [1]])).toArray();  // [[3], [7]]
 * matmul(x, w.transpose());                                       // no copy of w
 * ```
 */
export function matmul(a: Tensor, b: Tensor, out?: Tensor): Tensor {
  checkTensor('matmul', a, 'first operand');
  checkTensor('matmul', b, 'second operand');
  if (a.dtype !== b.dtype) failType('matmul', `dtypes ${a.dtype} and ${b.dtype} differ (cast one with astype)`);
  if (a.ndim === 0 || b.ndim === 0) {
    fail('matmul', `shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}: a 0-d operand is not a matrix (use mul)`);
  }
  if (a.ndim === 2 && b.ndim === 2) return matmul2d(a, b, out);
  const aShape = a.ndim === 1 ? [1, a.shape[0]!] : a.shape;
  const aStrides = a.ndim === 1 ? [0, a.strides[0]!] : a.strides;
  const bShape = b.ndim === 1 ? [b.shape[0]!, 1] : b.shape;
  const bStrides = b.ndim === 1 ? [b.strides[0]!, 0] : b.strides;
  const m = aShape[aShape.length - 2]!, k = aShape[aShape.length - 1]!;
  const k2 = bShape[bShape.length - 2]!, n = bShape[bShape.length - 1]!;
  if (k !== k2) fail('matmul', `shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} do not match (${k} ≠ ${k2})`);

  const aBatch = aShape.slice(0, -2), bBatch = bShape.slice(0, -2);
  const nb = Math.max(aBatch.length, bBatch.length);
  const batch = new Array<number>(nb);
  const aBS = new Array<number>(nb), bBS = new Array<number>(nb);
  for (let i = 0; i < nb; i++) {
    const da = i - (nb - aBatch.length), db = i - (nb - bBatch.length);
    const x = da >= 0 ? aBatch[da]! : 1, y = db >= 0 ? bBatch[db]! : 1;
    if (x !== y && x !== 1 && y !== 1) {
      fail('matmul', `shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} cannot broadcast batch axes (axis ${i - nb - 2}: ${x} vs ${y})`);
    }
    batch[i] = x === 1 ? y : x;
    aBS[i] = x === 1 ? 0 : a.strides[da]!;
    bBS[i] = y === 1 ? 0 : b.strides[db]!;
  }
  const shape = [...batch];
  if (a.ndim > 1) shape.push(m);
  if (b.ndim > 1) shape.push(n);
  const o = prepareOut('matmul', out, shape, a.dtype);
  if (o.data === a.data || o.data === b.data) fail('matmul', 'out must not share storage with an operand');

  const backend = getBackend();
  const A: MatrixOperand = { data: a.data, offset: a.offset, rowStride: aStrides[aStrides.length - 2]!, colStride: aStrides[aStrides.length - 1]! };
  const B: MatrixOperand = { data: b.data, offset: b.offset, rowStride: bStrides[bStrides.length - 2]!, colStride: bStrides[bStrides.length - 1]! };
  const C = { data: o.data, offset: o.offset, rowStride: n };
  if (nb === 0) {
    backend.gemm(m, n, k, A, B, C, false);
    return o;
  }
  const count = sizeOf(batch);
  if (count === 0) return o;
  const walker = new RowWalker([...batch, 1], [[...aBS, 0], [...bBS, 0]], [a.offset, b.offset]);
  for (let r = 0; r < count; r++) {
    A.offset = walker.offsets[0]!;
    B.offset = walker.offsets[1]!;
    C.offset = o.offset + r * m * n;
    backend.gemm(m, n, k, A, B, C, false);
    walker.next();
  }
  return o;
}

// The plain [m,k]·[k,n] product, the one every Linear layer and its gradients make: no batch
// axes to broadcast, so no shape arrays to build beyond the result's.
function matmul2d(a: Tensor, b: Tensor, out: Tensor | undefined): Tensor {
  const m = a.shape[0]!, k = a.shape[1]!, k2 = b.shape[0]!, n = b.shape[1]!;
  if (k !== k2) fail('matmul', `shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} do not match (${k} ≠ ${k2})`);
  const o = prepareOut('matmul', out, [m, n], a.dtype);
  if (o.data === a.data || o.data === b.data) fail('matmul', 'out must not share storage with an operand');
  getBackend().gemm(m, n, k,
    { data: a.data, offset: a.offset, rowStride: a.strides[0]!, colStride: a.strides[1]! },
    { data: b.data, offset: b.offset, rowStride: b.strides[0]!, colStride: b.strides[1]! },
    { data: o.data, offset: o.offset, rowStride: n }, false);
  return o;
}

/**
 * x·W + b, a fully connected layer: x is [m, k], W is [k, n] (inputs by outputs, as `matmul`
 * takes it) and b is [n] or omitted. The bias is added to every row of the product in one kernel
 * call, in place; the result has the bits of `add(matmul(x, w), b)`.
 *
 * @example
 * ```ts
 * affine(x, w, b);   // [batch, in] · [in, out] + [out] → [batch, out]
 * ```
 */
export function affine(x: Tensor, w: Tensor, b?: Tensor | null, out?: Tensor): Tensor {
  checkTensor('affine', x, 'input');
  checkTensor('affine', w, 'weight');
  if (x.ndim !== 2 || w.ndim !== 2) fail('affine', `input ${fmtShape(x.shape)} and weight ${fmtShape(w.shape)} must both be 2-D`);
  if (x.dtype !== w.dtype) failType('affine', `dtypes ${x.dtype} and ${w.dtype} differ (cast one with astype)`);
  const n = w.shape[1]!;
  if (x.shape[1] !== w.shape[0]) fail('affine', `input ${fmtShape(x.shape)} and weight ${fmtShape(w.shape)} do not match (${x.shape[1]} ≠ ${w.shape[0]})`);
  if (b !== undefined && b !== null) {
    checkTensor('affine', b, 'bias');
    if (b.ndim !== 1 || b.shape[0] !== n) fail('affine', `bias ${fmtShape(b.shape)} does not match weight ${fmtShape(w.shape)} (expected [${n}])`);
    if (b.dtype !== x.dtype) failType('affine', `bias dtype ${b.dtype} differs from ${x.dtype}`);
  }
  const o = matmul2d(x, w, out);
  if (b === undefined || b === null || o.size === 0) return o;
  const bc = b.isContiguous() ? b : b.contiguous();
  kernels().binaryRows('add', x.shape[0]!, n, o.data, o.offset, n, bc.data, bc.offset, 0, o.data, o.offset);
  return o;
}
