export { gemm, gemmScratchBytes } from './gemm';
export { adamF32, axpyF32, binaryF32, sumF32, unaryF32 } from './elementwise';
export { activationBackwardF32, activationForwardF32 } from './activations';
export { softmaxRowsBackwardF32, softmaxRowsF32 } from './softmax';
export { constantTableBytes, setConstantTable } from './constants';
