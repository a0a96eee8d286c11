// nn's and interop's file functions import node:fs; in the page they are never called
// (it exports with model.toJSON()). Aliased in vite.config.ts so the bundle needs no Node shim.
function unavailable(): never {
  throw new Error('files are not available in a browser: use model.toJSON() and loadModel(json)');
}
export const readFile = unavailable;
export const writeFile = unavailable;
export const stat = unavailable;
export const mkdir = unavailable;
