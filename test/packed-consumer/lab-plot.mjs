// Plain ESM in a user's project: draw activation curves with @actgrad/lab and report what came back;
// also record what require() says, since the lab is ESM only.
import { createRequire } from 'node:module';
import { activationPlot } from '@actgrad/lab';

const svg = await activationPlot(['relu', 'tanh']);
let requireError = null;
try {
  createRequire(import.meta.url)('@actgrad/lab');
} catch (error) {
  requireError = error.code ?? String(error);
}
console.log(JSON.stringify({ head: svg.slice(0, 200), tail: svg.trimEnd().slice(-6), length: svg.length, paths: (svg.match(/<path/g) ?? []).length, hasRelu: svg.includes('relu'), hasTanh: svg.includes('tanh'), requireError }));
