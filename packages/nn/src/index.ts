export { Module, Linear, Activation, asVariable } from './module.js';
export type { ModuleInput, LinearOptions, ActivationChoice } from './module.js';
export { Sequential } from './sequential.js';
export type { MLPConfig } from './sequential.js';
export { mlp } from './mlp.js';
export type { MLPOptions, InitSpec } from './mlp.js';
export { initializers, initNames, resolveInit, defaultInitFor } from './init.js';
export type { InitDef, InitName } from './init.js';

export { mse, mae, binaryCrossEntropy, crossEntropy, nll, losses, resolveLoss } from './losses.js';
export type { Loss, LossName, LossTarget, TargetKind } from './losses.js';
export { checkPairing } from './pairing.js';
export type { PairingIssue, TargetInfo } from './pairing.js';
export { metrics, resolveMetric, accuracy, meanSquaredError, meanAbsoluteError, r2Score } from './metrics.js';
export type { MetricDef, MetricName } from './metrics.js';

export { Optimizer } from './optim/optimizer.js';
export type { LearningRate, ParamSource } from './optim/optimizer.js';
export { SGD, Adam, AdamW, RMSProp, createOptimizer, optimizerNames } from './optim/optimizers.js';
export type { SGDOptions, AdamOptions, RMSPropOptions, OptimizerName } from './optim/optimizers.js';
export { stepDecay, exponentialDecay, cosineDecay } from './optim/schedules.js';
export type { Schedule } from './optim/schedules.js';

export { fit } from './train/fit.js';
export type { FitOptions, FitResult } from './train/fit.js';
export { Trainer, trainStep } from './train/trainer.js';
export type { TrainStepOptions } from './train/trainer.js';
export { evaluate, predict } from './train/evaluate.js';
export type { EvaluateOptions } from './train/evaluate.js';
export { earlyStopping, snapshotWeights, restoreWeights } from './train/callbacks.js';
export type { Callback, CallbackContext, EpochLog, EarlyStopping, EarlyStoppingOptions } from './train/callbacks.js';
export { layerHealth } from './train/health.js';
export type { LayerHealth } from './train/health.js';
export { makeHead } from './train/head.js';
export type { Head } from './train/head.js';

export { moons, circles, spirals, xor, blobs, sine, regression } from './data/toy.js';
export type { ToyOptions, RegressionOptions } from './data/toy.js';
export { iris, IRIS_FEATURES } from './data/iris.js';
export { trainTestSplit, standardize, oneHot } from './data/preprocess.js';
export type { SplitOptions, StandardizeStats } from './data/preprocess.js';
export type { Dataset, LabeledDataset } from './data/dataset.js';
export { toMatrix } from './data/validate.js';
export type { DataInput, Matrix } from './data/validate.js';

export { loadModel, saveModel, loadModelFile, type LoadOptions, type LoadFileOptions } from './serialize.js';
export { DEFAULT_MAX_PARAMETERS, DEFAULT_MAX_LAYERS, type ModelLimits } from './model-file.js';
export { MODEL_FORMAT, MODEL_FORMAT_VERSION } from './serialize-format.js';
export type { ModelJSON, LayerJSON, WeightJSON } from './serialize-format.js';
export { makeRng, DEFAULT_SEED } from './random.js';
export type { Rng } from './random.js';
