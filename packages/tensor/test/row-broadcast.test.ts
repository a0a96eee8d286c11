import { expect, it, vi } from 'vitest';
import { add, affine, div, matmul, sub, sum, sumTo, tensor, type DType, type Tensor } from '@actgrad/tensor';
import { kernels } from '../src/backend/index.js';
import { forEachBackend, randomTensor, seeded, stridedCopy } from './helpers.js';

// A row vector broadcast over a contiguous matrix (a bias add) and a sum over leading axes (its
// gradient) run as one kernel call; they must give the bits of the element-by-element definition,
// and every other layout must still take the general path correctly.

/** a op b by brute force, broadcasting b's trailing shape over a's rows, in a's dtype. */
function rowwise(a: Tensor, b: Tensor, op: (x: number, y: number) => number, vectorFirst = false): number[] {
  const av = Array.from(a.contiguous().data), bv = Array.from(b.contiguous().data);
  const round = a.dtype === 'float32' ? Math.fround : (x: number) => x;
  return av.map((x, i) => round(vectorFirst ? op(bv[i % bv.length]!, x) : op(x, bv[i % bv.length]!)));
}

/** Column sums added row after row (the order the one-call kernel keeps), in the dtype. */
function columnSums(x: Tensor, n: number): number[] {
  const v = Array.from(x.contiguous().data);
  const round = x.dtype === 'float32' ? Math.fround : (y: number) => y;
  // One column: a single run, which every backend adds in double and rounds once.
  if (n === 1) return [round(v.reduce((s, y) => s + y, 0))];
  const out = new Array<number>(n).fill(0);
  for (let i = 0; i < v.length; i++) out[i % n] = round(out[i % n]! + v[i]!);
  return out;
}

const SHAPES: [number, number][] = [[1, 1], [3, 5], [7, 16], [128, 10], [5, 257], [9, 67]];

forEachBackend('row broadcast and leading-axis sums', () => {
  for (const dtype of ['float32', 'float64'] as DType[]) {
    it(`${dtype}: [rows, n] op [n] and [n] op [rows, n] match the elementwise definition`, () => {
      const rng = seeded(`rows-${dtype}`);
      for (const [rows, n] of SHAPES) {
        const a = randomTensor(rng, [rows, n], dtype), b = randomTensor(rng, [n], dtype);
        expect(Array.from(add(a, b).data)).toEqual(rowwise(a, b, (x, y) => x + y));
        expect(Array.from(sub(b, a).data)).toEqual(rowwise(a, b, (x, y) => x - y, true));
        expect(Array.from(div(a, b.reshape([1, n])).data)).toEqual(rowwise(a, b, (x, y) => x / y));
        // A block of trailing axes broadcast over a leading one: [2, rows, n] + [rows, n].
        const c = randomTensor(rng, [2, rows, n], dtype);
        expect(Array.from(add(c, a).data)).toEqual(rowwise(c, a, (x, y) => x + y));
      }
    });

    it(`${dtype}: strided operands take the general path with the same values`, () => {
      const rng = seeded(`rows-strided-${dtype}`);
      for (const [rows, n] of SHAPES) {
        const a = randomTensor(rng, [rows, n], dtype), b = randomTensor(rng, [2 * n], dtype);
        const bStrided = b.slice([0, 2 * n, 2]);
        const want = rowwise(a, bStrided, (x, y) => x + y);
        expect(Array.from(add(a, bStrided).data)).toEqual(want);
        expect(Array.from(add(stridedCopy(a, 'transposed'), bStrided).data)).toEqual(want);
        expect(Array.from(add(stridedCopy(a, 'padded'), bStrided.contiguous()).data)).toEqual(want);
      }
    });

    it(`${dtype}: sums over the leading axes (sumTo, sum over axis 0) add each column's rows in order`, () => {
      const rng = seeded(`sums-${dtype}`);
      for (const [rows, n] of SHAPES) {
        const g = randomTensor(rng, [rows, n], dtype);
        const want = columnSums(g, n);
        expect(Array.from(sumTo(g, [n]).data)).toEqual(want);
        expect(Array.from(sum(g, 0).data)).toEqual(want);
        const g3 = randomTensor(rng, [3, rows, n], dtype);
        expect(Array.from(sumTo(g3, [n]).data)).toEqual(columnSums(g3, n));
        expect(Array.from(sum(g3, [0, 1]).data)).toEqual(columnSums(g3, n));
        // Non-contiguous: the general reduction, within rounding of the same sums.
        const t = stridedCopy(g, 'transposed');
        Array.from(sum(t, 0).data).forEach((v, j) => expect(v).toBeCloseTo(want[j]!, dtype === 'float32' ? 4 : 10));
      }
    });

    it(`${dtype}: the bias add and its gradient are one kernel call each`, () => {
      const rows = 64, n = 33;
      const a = randomTensor(seeded('one'), [rows, n], dtype), b = randomTensor(seeded('two'), [n], dtype);
      const rowsSpy = vi.spyOn(kernels(), 'binaryRows');
      const sumSpy = vi.spyOn(kernels(), 'sumRows');
      add(a, b);
      sumTo(a, [n]);
      expect(rowsSpy).toHaveBeenCalledTimes(1);
      expect(sumSpy).toHaveBeenCalledTimes(1);
      vi.restoreAllMocks();
    });
  }

  it('affine(x, W, b) is matmul then the bias, bit for bit, and checks its operands', () => {
    for (const dtype of ['float32', 'float64'] as DType[]) {
      const rng = seeded(`affine-${dtype}`);
      for (const [m, k, n] of [[1, 1, 1], [5, 3, 7], [128, 33, 10], [9, 64, 130]]) {
        const x = randomTensor(rng, [m, k], dtype), w = randomTensor(rng, [k, n], dtype), b = randomTensor(rng, [n], dtype);
        expect(Array.from(affine(x, w, b).data)).toEqual(Array.from(add(matmul(x, w), b).data));
        expect(Array.from(affine(x, w).data)).toEqual(Array.from(matmul(x, w).data));
        // Transposed operands and a strided bias.
        const wt = stridedCopy(w, 'transposed'), bs = randomTensor(rng, [2 * n], dtype).slice([0, 2 * n, 2]);
        expect(Array.from(affine(stridedCopy(x, 'transposed'), wt, bs).data)).toEqual(Array.from(add(matmul(x, w), bs).data));
      }
    }
    const x = tensor([[1, 2, 3]]), w = tensor([[1], [2], [3]]);
    expect(() => affine(x, tensor([[1, 2]]))).toThrow('affine: input [1,3] and weight [1,2] do not match (3 ≠ 1)');
    expect(() => affine(x, w, tensor([1, 2]))).toThrow('affine: bias [2] does not match weight [3,1] (expected [1])');
    expect(() => affine(x, w, tensor([1], { dtype: 'float64' }))).toThrow('affine: bias dtype float64 differs from float32');
    expect(() => affine(tensor([1, 2, 3]), w)).toThrow('affine: input [3] and weight [3,1] must both be 2-D');
  });
});
