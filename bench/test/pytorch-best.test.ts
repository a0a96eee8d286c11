import { describe, expect, it } from 'vitest';
import { chooseBlas, type Probe } from '../src/blas.js';
import { chooseMalloc, TUNED_MALLOC } from '../src/malloc.js';

// The probes are processes of PyTorch; here they are tables, so the choice itself is tested:
// what PyTorch runs with, and what the note says.
const openblas = (architecture: string, gflops: number): Probe =>
  ({ internal_api: 'openblas', version: '0.3.21', architecture, gflops_1t_n512: gflops });

/** A CPU where OpenBLAS picks Cooperlake unprompted and each core type runs at its rate here. */
function machine(rates: Record<string, number>, own = 'Cooperlake') {
  const calls: Array<string | undefined> = [];
  const probe = (_python: string, _dir: string, coretype: string | undefined): Probe => {
    calls.push(coretype);
    const arch = coretype ?? own;
    return openblas(arch, rates[arch] ?? 0);
  };
  return { probe, calls };
}

describe('PyTorch at its best: BLAS kernels', () => {
  it('overrides a preset OPENBLAS_CORETYPE that runs slower kernels, and says so', () => {
    const { probe } = machine({ Cooperlake: 190, SkylakeX: 197, Haswell: 104, Zen: 100, Sandybridge: 95 });
    const choice = chooseBlas('py', 'dir', 1, { probe, preset: 'Haswell' });
    expect(choice.env).toEqual({ OPENBLAS_CORETYPE: 'SkylakeX' });
    expect(choice.note).toContain('OPENBLAS_CORETYPE=Haswell was set in the environment (Haswell kernels); SkylakeX ran faster');
  });

  it('keeps a preset that no other core type beats by 5%', () => {
    const { probe } = machine({ Cooperlake: 190, SkylakeX: 197, Haswell: 104 });
    const choice = chooseBlas('py', 'dir', 1, { probe, preset: 'SkylakeX' });
    expect(choice.env).toEqual({ OPENBLAS_CORETYPE: 'SkylakeX' });
    expect(choice.note).toContain('no other core type beat it by 5%');
  });

  it("returns to OpenBLAS's own pick over a slower preset, naming it", () => {
    const { probe } = machine({ Cooperlake: 195, SkylakeX: 150, Haswell: 104 });
    const choice = chooseBlas('py', 'dir', 1, { probe, preset: 'Haswell' });
    expect(choice.env).toEqual({ OPENBLAS_CORETYPE: 'Cooperlake' });
  });

  it("leaves the environment alone when OpenBLAS's own pick is the fastest and nothing is preset", () => {
    const { probe, calls } = machine({ Cooperlake: 195, SkylakeX: 190, Haswell: 104 });
    // No preset, whatever this environment sets (an explicit undefined, as an unset variable).
    const choice = chooseBlas('py', 'dir', 1, { probe, preset: undefined });
    expect(choice.env).toEqual({});
    expect(choice.note).toContain('runs its own pick, Cooperlake kernels');
    // Two rounds over the candidates, OpenBLAS's own pick probed in each.
    expect(calls.filter((c) => c === undefined)).toHaveLength(2);
  });
});

describe("PyTorch at its best: glibc's malloc", () => {
  it('tunes malloc when the tuned W2 step is faster by 5%, keeping the BLAS choice', () => {
    const seen: Array<Record<string, string>> = [];
    const probe = (_p: string, _d: string, env: Record<string, string>) => {
      seen.push(env);
      return env.MALLOC_MMAP_THRESHOLD_ ? 795 : 168;
    };
    const choice = chooseMalloc('py', 'dir', { OPENBLAS_CORETYPE: 'SkylakeX' }, 1, probe);
    expect(choice.env).toEqual(TUNED_MALLOC);
    expect(choice.note).toContain('168 steps/s with malloc as it comes, 795 tuned');
    expect(seen.every((e) => e.OPENBLAS_CORETYPE === 'SkylakeX')).toBe(true);
  });

  it('leaves malloc as it comes when tuning gains less than 5%', () => {
    const probe = (_p: string, _d: string, env: Record<string, string>) => (env.MALLOC_MMAP_THRESHOLD_ ? 720 : 700);
    const choice = chooseMalloc('py', 'dir', {}, 1, probe);
    expect(choice.env).toEqual({});
    expect(choice.note).toContain('did not beat it by 5%');
  });

  it('says why when a probe fails', () => {
    const choice = chooseMalloc('py', 'dir', {}, 1, () => 'ModuleNotFoundError: No module named torch');
    expect(choice.env).toEqual({});
    expect(choice.note).toBe("PyTorch's malloc setting not probed: ModuleNotFoundError: No module named torch.");
  });
});
