import { basename, extname, join, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { loadModelFile } from '@actgrad/nn';
import { DEFAULT_OPSET, saveOnnx, SUPPORTED_OPSETS } from './onnx/export.js';
import { toTorch } from './torch.js';

export const USAGE = `usage: pnpm export <model.json> --format onnx|torch [--opset N] [--out PATH]

  model.json     a model saved with saveModel (@actgrad/nn)
  --format       onnx: one .onnx file for ONNX Runtime, Triton, onnxruntime-web
                 torch: a directory with model.safetensors and model.py for PyTorch
  --opset N      ONNX opset (default ${DEFAULT_OPSET}; ${SUPPORTED_OPSETS.join(', ')}); from 20 GELU is the native op
  --out PATH     output file (onnx; default <model>.onnx) or directory (torch; default <model>-torch)`;

/**
 * The `export` command: reads a saved model and writes it as ONNX or for PyTorch. Returns the
 * lines to print; bad arguments throw an Error whose message includes the usage.
 */
export async function exportCommand(argv: string[]): Promise<string[]> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { format: { type: 'string' }, opset: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    throw new Error(`export: ${(err as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return [USAGE];
  if (positionals.length !== 1) throw new Error(`export: expected one model file, got ${positionals.length}\n\n${USAGE}`);
  const format = values.format;
  if (format !== 'onnx' && format !== 'torch') throw new Error(`export: --format must be onnx or torch${format ? `, not '${format}'` : ''}\n\n${USAGE}`);
  if (format === 'torch' && values.opset !== undefined) throw new Error('export: --opset applies to --format onnx only');
  const input = positionals[0]!;
  const opset = values.opset === undefined ? DEFAULT_OPSET : Number(values.opset);
  if (!Number.isInteger(opset)) throw new Error(`export: --opset must be an integer, not '${values.opset}'`);
  const model = await loadModelFile(input);
  const stem = join(dirname(input), basename(input, extname(input)));
  const shape = `[batch, ${model.inFeatures}] → [batch, ${model.outFeatures}]`;
  if (format === 'onnx') {
    const out = values.out ?? `${stem}.onnx`;
    await saveOnnx(model, out, { opset });
    return [`wrote ${out} (ONNX opset ${opset}, input 'input' ${shape}, output 'output')`];
  }
  const out = values.out ?? `${stem}-torch`;
  const { safetensors, python } = await toTorch(model, out);
  return [`wrote ${safetensors} and ${python} (${shape})`, `in Python: import sys; sys.path.insert(0, '${out}'); from model import load; model = load()`];
}
