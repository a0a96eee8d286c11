import { describe, it } from 'vitest';
import { backendNames } from '@actgrad/tensor';
import { checkAdamBits } from './adam-check.js';

// The wasm backend's Adam (float32 SIMD) against the plain float32 loop the js backend runs
// (adam-check.ts).

describe('float32 Adam: wasm kernel and plain loop agree bit for bit', () => {
  it.runIf(backendNames().includes('wasm'))('over 5 steps of 3 runs (9,000 elements), with L2, decoupled decay, tiny and huge gradients', () => {
    checkAdamBits('wasm');
  });
});
