import { activations } from './builtins.js';
import type { ActivationDef, ActivationParam } from './definition.js';

/**
 * The activation table of README.md and packages/autograd/README.md, generated from the
 * definitions (scripts/activation-table.ts writes it; test/readme-tables.test.ts checks both
 * READMEs hold exactly this). Columns: name linked to its file (`files`, relative to packages/autograd,
 * prefixed by `base`), parameters, a(s), a'(s), what backward reads, the initializer family of a
 * layer feeding it.
 */
export function activationTable(
  files: Readonly<Record<string, string>>, base = '', list: Readonly<Record<string, ActivationDef>> = activations,
): string {
  const rows = Object.values(list).map((d) => {
    const file = files[d.name];
    const name = file ? `[\`${d.name}\`](${base}${file})` : `\`${d.name}\``;
    const params = Object.entries(d.params).map(([k, p]) => describeParam(k, p)).join('; ') || '—';
    return `| ${name} | ${cell(params)} | ${cell(d.formula)} | ${cell(d.derivative)} | ${SAVES[d.saves]} | ${INIT[d.init ?? 'glorot']} |`;
  });
  return ['| name | parameters | a(s) | a′(s) as implemented | saves | init |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

const SAVES = { input: 's', output: 'a', both: 's, a', none: '—' } as const;
const INIT = { he: 'He', lecun: 'LeCun', glorot: 'Glorot' } as const;

function describeParam(key: string, p: ActivationParam): string {
  const sym = p.symbol ?? key;
  const value = typeof p.default === 'string' ? `'${p.default}'` : String(p.default).replace('-', '−');
  const parts = [`${sym} = ${value}`];
  if (p.range?.gt !== undefined && p.range.lt !== undefined) parts.push(`${p.range.gt} < ${sym} < ${p.range.lt}`);
  else if (p.range?.gt !== undefined) parts.push(`${sym} > ${p.range.gt}`);
  else if (p.range?.lt !== undefined) parts.push(`${sym} < ${p.range.lt}`);
  if (p.choices) parts.push(`one of ${p.choices.map((c) => `'${c}'`).join(', ')}`);
  if (p.learnable) parts.push('learnable');
  return parts.join(', ');
}

/** A markdown table cell: pipes escaped. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export const TABLE_START = '<!-- activation-table: generated from packages/autograd/src/activations by packages/autograd/scripts/activation-table.ts -->';
export const TABLE_END = '<!-- /activation-table -->';

/** `text` with the table between the markers replaced by `table`; throws when the markers are missing. */
export function replaceTable(text: string, table: string, where: string): string {
  const a = text.indexOf(TABLE_START);
  const b = text.indexOf(TABLE_END);
  if (a < 0 || b < a) throw new Error(`${where}: no activation-table markers`);
  return `${text.slice(0, a + TABLE_START.length)}\n${table}\n${text.slice(b)}`;
}
