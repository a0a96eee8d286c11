export { gemm, gemmScratchBytes } from './gemm';
