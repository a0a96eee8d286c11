import { describe, expect, it } from 'vitest';
import { GemmPool, JOB_ARG_COUNT } from '../src/backend/wasm/pool.js';
import { wasmApi } from '../src/backend/wasm/webassembly.js';

const wasm = wasmApi!;

// A module whose gemm traps on every call: imports a shared memory, exports
// gemm(13 × i32) whose body is `unreachable`.
// prettier-ignore
const TRAPPING_GEMM = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x11, 0x01, 0x60, 0x0d, ...new Array<number>(13).fill(0x7f), 0x00, // type: (13 × i32) → ()
  0x02, 0x12, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, // import env.memory
  0x02, 0x03, 0x01, 0x80, 0x80, 0x04, //   shared, 1 to 65536 pages
  0x03, 0x02, 0x01, 0x00, // one function of type 0
  0x07, 0x08, 0x01, 0x04, 0x67, 0x65, 0x6d, 0x6d, 0x00, 0x00, // export "gemm"
  0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b, // body: unreachable
]);

const JOB = 64, CONTROL = 256, SCRATCH = 1024;

async function ready(pool: GemmPool): Promise<void> {
  const started = Date.now();
  while (pool.readyCount() < pool.size) {
    if (pool.error) throw pool.error;
    if (Date.now() - started > 30_000) throw new Error('worker did not start');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('gemm worker pool', () => {
  it('hands a chunk that threw in a worker back to the main thread, once', async () => {
    const memory = new wasm.Memory({ initial: 1, maximum: 16, shared: true });
    const pool = new GemmPool(new wasm.Module(TRAPPING_GEMM), memory, JOB, [CONTROL], [SCRATCH]);
    try {
      await ready(pool);
      const args = new Array<number>(JOB_ARG_COUNT).fill(0);
      const tag = pool.begin(args, 4);
      // Let the worker claim its first chunk (the last one, 3) and fail it before this thread claims any.
      const completed = new Int32Array(memory.buffer, JOB, 2);
      expect(Atomics.wait(completed, 1, 0, 10_000)).not.toBe('timed-out');
      const mine: number[] = [];
      for (let i = pool.claim(tag); i >= 0; i = pool.claim(tag)) {
        mine.push(i);
        pool.completed();
      }
      const redone: number[] = [];
      expect(pool.finish(tag, 4, (i) => redone.push(i))).toBe(1);
      // A failed worker stops claiming: this thread took every other chunk.
      expect(mine).toEqual([2, 1, 0]);
      expect(redone).toEqual([3]);
      // The next job has another tag: the old failure is not redone there. Its one chunk goes to
      // whichever thread claims it first; if the worker does, that chunk fails and comes back too.
      const next = pool.begin(args, 1);
      expect(next).not.toBe(tag);
      const tookIt = pool.claim(next) === 0;
      if (tookIt) pool.completed();
      const again: number[] = [];
      pool.finish(next, 1, (i) => again.push(i));
      expect(again).toEqual(tookIt ? [] : [0]);
    } finally {
      await pool.close();
    }
  });

  it('gives no chunk twice and none after the job is retagged', async () => {
    const memory = new wasm.Memory({ initial: 1, maximum: 16, shared: true });
    const pool = new GemmPool(new wasm.Module(TRAPPING_GEMM), memory, JOB, [], []);
    const args = new Array<number>(JOB_ARG_COUNT).fill(0);
    const first = pool.begin(args, 3);
    expect([pool.claim(first), pool.claim(first), pool.claim(first), pool.claim(first)]).toEqual([2, 1, 0, -1]);
    const second = pool.begin(args, 2);
    expect(pool.claim(first)).toBe(-1);
    expect(pool.claim(second)).toBe(1);
    await pool.close();
  });
});
