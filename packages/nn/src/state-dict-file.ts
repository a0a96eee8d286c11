import { readFile, writeFile } from 'node:fs/promises';
import type { Module } from './module.js';
import { MODEL_FORMAT, type WeightJSON } from './serialize-format.js';
import { checkStateDictFit, type LoadStateDictOptions, type LoadStateDictResult, type StateDict } from './state-dict.js';
import { decodeStateDict, encodeStateDict, tensorJSONProblem } from './tensor-json.js';

/** Identifies files written by {@link saveStateDict}. */
export const STATE_DICT_FORMAT = 'actgrad-state-dict';
/** The state-dict format version this build writes and reads. */
export const STATE_DICT_FORMAT_VERSION = 1;

/** A state dict as JSON: tensors bit-exact (base64 of their bytes). */
export interface StateDictJSON {
  format: typeof STATE_DICT_FORMAT;
  version: number;
  /** Class name of the module it came from (informational). */
  module?: string;
  tensors: Record<string, WeightJSON>;
}

/** The JSON form of a module's (or a dict's) parameters. */
export function stateDictToJSON(source: Module | StateDict): StateDictJSON {
  const isModule = typeof (source as Module).stateDict === 'function';
  const dict = isModule ? (source as Module).stateDict() : (source as StateDict);
  const out: StateDictJSON = { format: STATE_DICT_FORMAT, version: STATE_DICT_FORMAT_VERSION, tensors: encodeStateDict(dict) };
  if (isModule) out.module = source.constructor.name;
  return out;
}

/**
 * The saved tensors of a state-dict file or of a model file (`saveModel`'s weights), checked
 * for their format and byte counts but not decoded.
 */
function savedTensors(where: string, json: unknown): Record<string, WeightJSON> {
  const obj = json as { format?: unknown; version?: unknown; tensors?: unknown; weights?: unknown } | null;
  if (!obj || typeof obj !== 'object') throw new Error(`${where}: not an actgrad state dict (expected a JSON object)`);
  let tensors: unknown;
  if (obj.format === STATE_DICT_FORMAT) {
    if (obj.version !== STATE_DICT_FORMAT_VERSION) {
      throw new Error(`${where}: state-dict format version ${String(obj.version)} is not supported; this version of @actgrad/nn reads version ${STATE_DICT_FORMAT_VERSION}`);
    }
    tensors = obj.tensors;
  } else if (obj.format === MODEL_FORMAT) tensors = obj.weights;
  else throw new Error(`${where}: not an actgrad state dict or model (format '${String(obj.format)}')`);
  if (!tensors || typeof tensors !== 'object' || Array.isArray(tensors)) throw new Error(`${where}: the file holds no tensors`);
  for (const [name, w] of Object.entries(tensors)) {
    const problem = tensorJSONProblem(w);
    if (problem) throw new Error(`${where}: tensor '${name}' ${problem}`);
  }
  return tensors as Record<string, WeightJSON>;
}

/** Decodes a {@link StateDictJSON} (or a model file's weights) into tensors. */
export function stateDictFromJSON(json: StateDictJSON | string): StateDict {
  const obj = typeof json === 'string' ? parse('stateDictFromJSON', json) : json;
  return decodeStateDict('stateDictFromJSON', savedTensors('stateDictFromJSON', obj));
}

function parse(where: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${where}: not valid JSON (${(err as Error).message})`);
  }
}

/**
 * Loads saved tensors into `model`: names, shapes, dtypes and byte counts are all checked
 * before anything is decoded or written (see `Module.loadStateDict` for `strict`).
 */
export function loadStateDictJSON(model: Module, json: StateDictJSON | string, opts: LoadStateDictOptions = {}, where = 'loadStateDict'): LoadStateDictResult {
  const tensors = savedTensors(where, typeof json === 'string' ? parse(where, json) : json);
  checkStateDictFit(model, tensors, opts, where);
  return model.loadStateDict(decodeStateDict(where, tensors), opts);
}

/** Writes a module's state dict to `path` as JSON (see {@link loadStateDictFile}). */
export async function saveStateDict(source: Module | StateDict, path: string): Promise<void> {
  await writeFile(path, JSON.stringify(stateDictToJSON(source)));
}

/**
 * Reads a file written by {@link saveStateDict} (or the weights of a `saveModel` file) into a
 * freshly constructed `model` of the same architecture. Errors name the file.
 *
 * ```ts
 * await saveStateDict(net, 'net.json');
 * const again = new Net();
 * await loadStateDictFile(again, 'net.json');
 * ```
 */
export async function loadStateDictFile(model: Module, path: string, opts: LoadStateDictOptions = {}): Promise<LoadStateDictResult> {
  const text = await readFile(path, 'utf8');
  try {
    return loadStateDictJSON(model, text, opts, 'loadStateDictFile');
  } catch (err) {
    throw new Error(`${(err as Error).message} (file ${path})`);
  }
}
