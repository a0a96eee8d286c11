// The FMA variant: only gemm, compiled with relaxed SIMD so that its multiply-adds
// are fused (see build.mjs and README.md, "FMA"). It runs on the same shared memory
// as the main module and needs none of its state.
export { gemm, gemmPackB, gemmPackedB, gemmScratchBytes } from './gemm';
