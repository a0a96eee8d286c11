import { activationOps } from './activations/builtins.js';
import type { OpDef } from './op-def.js';
import * as binary from './ops/binary.js';
import * as indexing from './ops/indexing.js';
import * as linalg from './ops/linalg.js';
import * as losses from './ops/losses.js';
import * as movement from './ops/movement.js';
import * as reduce from './ops/reduce.js';
import * as scalar from './ops/scalar.js';
import * as unary from './ops/unary.js';

/**
 * Every differentiable op, by name: the one list the engine, the method table and the tests
 * iterate over, so an op added here is gradient-checked the day it lands.
 */
export const ops = {
  add: binary.add,
  sub: binary.sub,
  mul: binary.mul,
  div: binary.div,
  addScalar: scalar.addScalar,
  mulScalar: scalar.mulScalar,
  divScalar: scalar.divScalar,
  neg: unary.neg,
  pow: unary.pow,
  exp: unary.exp,
  log: unary.log,
  sqrt: unary.sqrt,
  abs: unary.abs,
  clamp: unary.clamp,
  matmul: linalg.matmul,
  affine: linalg.affine,
  sum: reduce.sum,
  mean: reduce.mean,
  max: reduce.max,
  reshape: movement.reshape,
  transpose: movement.transpose,
  permute: movement.permute,
  slice: movement.slice,
  expand: movement.expand,
  concat: movement.concat,
  gather: indexing.gather,
  pick: indexing.pick,
  where: indexing.where,
  // The activations, from their definitions (activations/builtins.ts).
  ...activationOps,
  softmaxCrossEntropy: losses.softmaxCrossEntropy,
  sigmoidBinaryCrossEntropy: losses.sigmoidBinaryCrossEntropy,
} satisfies Record<string, OpDef<never>>;

/** Name of a registered op. */
export type OpName = keyof typeof ops;
