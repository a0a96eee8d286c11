import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mlp, predict, saveModel } from '@actgrad/nn';
import { describe, expect, it } from 'vitest';
import { exportCommand, fromOnnx, readSafetensors } from '../src/index.js';

async function saved(): Promise<{ dir: string; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'actgrad-export-'));
  const file = join(dir, 'moons.json');
  await saveModel(mlp({ sizes: [2, 8, 1], hidden: 'elu', output: 'sigmoid', seed: 4 }), file);
  return { dir, file };
}

describe('export command', () => {
  it('writes <model>.onnx next to the model by default, at the opset asked', async () => {
    const { dir, file } = await saved();
    const lines = await exportCommand([file, '--format', 'onnx', '--opset', '20']);
    expect(lines[0]).toBe(`wrote ${join(dir, 'moons.onnx')} (ONNX opset 20, input 'input' [batch, 2] → [batch, 1], output 'output')`);
    const back = fromOnnx(new Uint8Array(readFileSync(join(dir, 'moons.onnx'))));
    const { loadModelFile } = await import('@actgrad/nn');
    const original = await loadModelFile(file);
    expect(Array.from(predict(back, [[0.3, -0.2]]).data)).toEqual(Array.from(predict(original, [[0.3, -0.2]]).data));
  });

  it('writes a PyTorch directory where --out says', async () => {
    const { dir, file } = await saved();
    const out = join(dir, 'for-torch');
    await exportCommand([file, '--format', 'torch', '--out', out]);
    expect(readFileSync(join(out, 'model.py'), 'utf8')).toContain('nn.ELU(alpha=1.0),  # 1');
    expect(Object.keys(readSafetensors(new Uint8Array(readFileSync(join(out, 'model.safetensors')))).tensors)).toHaveLength(4);
    expect(existsSync(join(dir, 'moons-torch'))).toBe(false);
  });

  it('explains bad arguments with the usage', async () => {
    const { file } = await saved();
    await expect(exportCommand([file])).rejects.toThrow(/--format must be onnx or torch\n\nusage: pnpm export/);
    await expect(exportCommand([file, '--format', 'onnx', '--opset', '9'])).rejects.toThrow('toOnnx: opset 9 is not supported');
    await expect(exportCommand([file, '--format', 'torch', '--opset', '17'])).rejects.toThrow('--opset applies to --format onnx only');
    await expect(exportCommand(['--format', 'onnx'])).rejects.toThrow('expected one model file, got 0');
    await expect(exportCommand([join(tmpdir(), 'no-such-model.json'), '--format', 'onnx'])).rejects.toThrow(/no-such-model\.json/);
  });
});
