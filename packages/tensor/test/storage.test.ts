import { describe, expect, it } from 'vitest';
import * as T from '@actgrad/tensor';
import { keep, tidy, type FloatArray, type Tensor } from '@actgrad/tensor';

// One training-like step: a handful of temporaries and a result.
function step(x: Tensor, w: Tensor): Tensor {
  const h = T.maximum(T.matmul(x, w), 0);
  const y = T.mul(h, 2).add(1);
  return T.mean(T.square(y));
}

describe('tidy', () => {
  it('reuses the same buffers on every iteration of a loop', () => {
    const x = T.randn([8, 4], { seed: 1 });
    const w = T.randn([4, 5], { seed: 2 });
    const seen: Set<FloatArray>[] = [];
    for (let it = 0; it < 4; it++) {
      const buffers = new Set<FloatArray>();
      tidy(() => {
        const m = T.matmul(x, w);
        const h = T.maximum(m, 0);
        const d = T.mul(h, 2);
        const y = d.add(1);
        for (const t of [m, h, d, y, T.square(y)]) buffers.add(t.data);
      });
      seen.push(buffers);
    }
    // From the second iteration on, every temporary is a recycled buffer of the first.
    for (const buf of seen[2]!) expect(seen[1]!.has(buf)).toBe(true);
    for (const buf of seen[3]!) expect(seen[1]!.has(buf)).toBe(true);
    expect(seen[1]!.size).toBe(5);
  });

  it('returned tensors survive and are not handed out again', () => {
    const x = T.randn([8, 4], { seed: 1 });
    const w = T.randn([4, 5], { seed: 2 });
    const first = tidy(() => step(x, w));
    const value = first.item();
    const results: Tensor[] = [];
    for (let i = 0; i < 3; i++) {
      const r = tidy(() => ({ loss: step(x, w), parts: [T.ones([8, 5])] }));
      results.push(r.loss, r.parts[0]!);
      // Overwriting the survivors must not change earlier ones: their storage is distinct.
      T.fill(r.loss, -1);
      T.fill(r.parts[0]!, -2);
    }
    expect(first.item()).toBe(value);
    expect(new Set(results.map((t) => t.data)).size).toBe(results.length);
    expect(results[2]!.item()).toBe(-1);
  });

  it('kept tensors survive every enclosing tidy', () => {
    const kept = tidy(() => {
      const inner = tidy(() => {
        keep(T.full([16], 3));
        T.full([16], 4);
        return T.full([2], 1);
      });
      expect(inner.toArray()).toEqual([1, 1]);
      return 'done';
    });
    expect(kept).toBe('done');
    // Allocate the same size many times: the kept buffer must not be handed out.
    const outside: Tensor[] = [];
    let keptTensor: Tensor | undefined;
    tidy(() => {
      keptTensor = keep(T.full([32], 7));
    });
    for (let i = 0; i < 40; i++) tidy(() => { outside.push(keep(T.zeros([32]))); });
    expect(keptTensor!.toArray()).toEqual(new Array(32).fill(7));
    expect(outside.some((t) => t.data === keptTensor!.data)).toBe(false);
  });

  it('nested tidy hands its result to the outer scope, which then frees it', () => {
    let innerData: FloatArray | undefined;
    const outer = tidy(() => {
      const r = tidy(() => T.full([64], 5));
      innerData = r.data;
      expect(r.get(0)).toBe(5);
      return T.full([3], 2);
    });
    expect(outer.toArray()).toEqual([2, 2, 2]);
    // The inner result was not returned by the outer tidy, so its buffer is recycled now.
    const again = tidy(() => keep(T.empty([64])));
    expect(again.data).toBe(innerData);
  });

  it('views of returned tensors keep their storage alive', () => {
    const v = tidy(() => T.arange(12).reshape([3, 4]).transpose().slice(1));
    const others = tidy(() => keep(T.zeros([12])));
    expect(others.data).not.toBe(v.data);
    expect(v.toArray()).toEqual([1, 5, 9]);
  });

  it('zeros from a recycled buffer are zero; errors release the scope', () => {
    tidy(() => { T.full([10], 9); });
    const z = tidy(() => T.zeros([10]));
    expect(z.toArray()).toEqual(new Array(10).fill(0));
    expect(() => tidy(() => { T.ones([10]); throw new Error('boom'); })).toThrow('boom');
    expect(T.isTidying()).toBe(false);
    expect(() => tidy((async () => 1) as never)).toThrow('tidy: fn returned a Promise');
  });

  it('outside tidy allocation is plain', () => {
    const a = T.zeros([5]);
    const b = T.zeros([5]);
    expect(a.data).not.toBe(b.data);
    expect(T.isTidying()).toBe(false);
  });
});
