import { afterEach, describe, expect, it } from 'vitest';
import * as T from '@actgrad/tensor';
import { getBackend, jsBackend, registerBackend, setBackend, type Backend } from '@actgrad/tensor';

const initial = getBackend();
afterEach(() => {
  setBackend(initial);
});

// A backend that counts calls and delegates to the reference kernels.
function counting(name: string): Backend & { calls: Record<string, number> } {
  const calls: Record<string, number> = { alloc: 0, gemm: 0, binary: 0 };
  return {
    name,
    calls,
    alloc(dtype, length) {
      calls.alloc!++;
      return jsBackend.alloc(dtype, length);
    },
    gemm(...args) {
      calls.gemm!++;
      jsBackend.gemm(...args);
    },
    kernels: {
      binary(...args) {
        calls.binary!++;
        jsBackend.kernels!.binary!(...args);
      },
    },
  };
}

describe('backend registry', () => {
  it('routes storage, gemm and kernels through the active backend; missing kernels fall back to js', () => {
    const b = counting('counting');
    setBackend(b);
    expect(getBackend()).toBe(b);
    expect(T.backendNames()).toContain('counting');
    const x = T.ones([2, 3]);
    const y = T.matmul(x, T.ones([3, 2]));
    const z = T.add(y, y);
    expect(T.exp(T.zeros([2])).toArray()).toEqual([1, 1]);
    expect(z.toArray()).toEqual([[6, 6], [6, 6]]);
    expect(b.calls.alloc).toBeGreaterThanOrEqual(4);
    expect(b.calls.gemm).toBe(1);
    expect(b.calls.binary).toBe(1);
    setBackend('js');
    expect(getBackend()).toBe(jsBackend);
  });
  it('switches by name once registered, and refuses unknown names with the list', () => {
    registerBackend(counting('other'));
    expect(setBackend('other').name).toBe('other');
    expect(() => setBackend('cuda')).toThrow(/setBackend: unknown backend 'cuda' \(registered: js, .*other/);
    expect(() => registerBackend({ name: 'broken' } as never)).toThrow('registerBackend: a backend needs a name, alloc() and gemm()');
  });
});
