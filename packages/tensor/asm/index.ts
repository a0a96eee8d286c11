export { gemm, gemmPackB, gemmPackedB, gemmScratchBytes, gemmTileRows } from './gemm';
export { adamAllF32, adamF32 } from './adam';
export { axpyF32, binaryF32, binaryRowsF32, clampF32, sumF32, sumRowsF32, unaryF32 } from './elementwise';
export { expAddF32, expSumF32, mathF32, powF32 } from './elementwise-math';
export { activationBackwardF32, activationForwardF32 } from './activations';
export { logSoftmaxRowsBackwardF32, logSoftmaxRowsF32, softmaxRowsBackwardF32, softmaxRowsF32 } from './softmax';
export { preluAlphaGradF32, preluF32 } from './prelu';
export { constantTableBytes, setConstantTable } from './constants';
