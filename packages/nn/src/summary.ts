import { Activation, Linear, type Module } from './module.js';

interface Row {
  layer: string;
  activation: string;
  init: string;
  shape: string;
  params: string;
}

/** The table behind `Sequential.summary()`: one row per Linear with the activation after it. */
export function formatSummary(model: { layers: Module[] }): string {
  const rows: Row[] = [];
  let width: number | undefined;
  let inputWidth: number | undefined;
  let total = 0;
  for (const layer of model.layers) {
    if (layer instanceof Linear) {
      inputWidth ??= layer.inFeatures;
      width = layer.outFeatures;
      const n = layer.parameterCount();
      total += n;
      rows.push({
        layer: `Linear(${layer.inFeatures} → ${layer.outFeatures})`,
        activation: 'linear',
        init: layer.init,
        shape: `[batch, ${width}]`,
        params: String(n),
      });
    } else if (layer instanceof Activation) {
      const last = rows[rows.length - 1];
      if (last && last.activation === 'linear' && last.layer.startsWith('Linear')) last.activation = layer.activationName;
      else rows.push({ layer: 'Activation', activation: layer.activationName, init: '', shape: width ? `[batch, ${width}]` : '', params: '0' });
    } else {
      const n = layer.parameterCount();
      total += n;
      rows.push({ layer: layer.constructor.name, activation: '', init: '', shape: '', params: String(n) });
    }
  }
  const header: Row = { layer: 'Layer', activation: 'Activation', init: 'Init', shape: 'Output shape', params: 'Params' };
  const all = [header, ...rows];
  const w = (k: keyof Row) => Math.max(...all.map((r) => r[k].length));
  const widths = { layer: w('layer'), activation: w('activation'), init: w('init'), shape: w('shape'), params: w('params') };
  const numW = String(rows.length).length;
  const line = (r: Row, i: string) =>
    [
      i.padStart(numW),
      r.layer.padEnd(widths.layer),
      r.activation.padEnd(widths.activation),
      r.init.padEnd(widths.init),
      r.shape.padEnd(widths.shape),
      r.params.padStart(widths.params),
    ].join('  ');
  const body = [line(header, '#'.padStart(numW)), ...rows.map((r, i) => line(r, String(i + 1)))];
  const rule = '─'.repeat(Math.max(...body.map((l) => l.length)));
  const input = inputWidth === undefined ? '' : `Input: [batch, ${inputWidth}]   `;
  return [body[0], rule, ...body.slice(1), rule, `${input}Total parameters: ${total}`].join('\n');
}
