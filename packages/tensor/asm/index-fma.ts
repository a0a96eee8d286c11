// The FMA variant: gemm, compiled with relaxed SIMD so that its multiply-adds are
// fused (see build.mjs and README.md, "FMA"). It runs on the same shared memory as
// the main module and needs none of its state. The worker threads instantiate this
// module, so it also carries the all-parameters Adam step they share: it uses no
// relaxed instruction, so it compiles to the same code as in the main module.
export { gemm, gemmPackB, gemmPackedB, gemmScratchBytes, gemmTileRows } from './gemm';
export { adamAllF32 } from './adam';
