import { fmaAvailable, PeakMeter, type PeakLoop } from './peak-meter.js';
import type { BenchCase, Measurement } from './peers/types.js';

/*
 * Each W3 product as a share of this machine's WebAssembly SIMD peak (the native
 * backend's: of the native loop in its instruction set), measured in the same process: windows of the product alternate with windows of the
 * register-only loop (the FMA one where relaxed SIMD runs, the faster) on as
 * many threads as the product uses, and the share is the median of the ratios
 * of neighbouring windows. The peak of ceiling.ts comes from processes of its
 * own, minutes apart from the products; on a virtual machine whose speed drifts
 * with its neighbours' load (here the 2-thread peak read 115 and 80 GFLOP/s
 * within the hour, 2026-12-02) a ratio of two such figures measures the drift
 * as much as the code. Neighbouring windows share it.
 */

/** A W3 case as the driver times it. */
export interface PairedCase {
  name: string;
  run: BenchCase;
  /** Flops per call. */
  units: number;
}

/** Pairs per case; the order alternates, so a steady drift favours neither side. */
const ROUNDS = 9;

/**
 * Median share of the peak per case, as `peak_share` measurements, and the paired figures it came
 * from; `loop` is the peak's loop (default: the WebAssembly one, FMA where relaxed SIMD runs).
 */
export async function pairedShares(cases: readonly PairedCase[], threads: number, windowMs: number,
  loop: PeakLoop = { kind: 'wasm', fused: fmaAvailable }): Promise<Measurement[]> {
  const meter = await PeakMeter.start(loop, threads, windowMs);
  const out: Measurement[] = [];
  try {
    for (const c of cases) {
      const t0 = performance.now();
      c.run();
      const calls = Math.max(1, Math.round(windowMs / Math.max(performance.now() - t0, 1e-3)));
      const gemmRate = (): number => {
        const start = performance.now();
        for (let i = 0; i < calls; i++) c.run();
        return (calls * c.units) / ((performance.now() - start) / 1000) / 1e9;
      };
      const shares: number[] = [];
      const rates: number[] = [];
      const peaks: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        let g: number, p: number;
        if (r % 2 === 0) (p = meter.rate(), g = gemmRate());
        else (g = gemmRate(), p = meter.rate());
        shares.push(g / p);
        rates.push(g);
        peaks.push(p);
      }
      out.push({ case: c.name, metric: 'peak_share', value: median(shares) });
      out.push({ case: c.name, metric: 'gflops_paired', value: median(rates) });
      out.push({ case: c.name, metric: 'peak_paired', value: median(peaks) });
    }
  } finally {
    await meter.close();
  }
  return out;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}
