import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { activations } from '../src/index.js';
import { activationTable, TABLE_END, TABLE_START } from '../src/activations/table.js';
import { definitionFiles, readme, READMES } from '../scripts/activation-table.js';

// The READMEs' activation tables are generated from the definitions; this fails when either has
// drifted (regenerate with packages/autograd/scripts/activation-table.ts).

describe('README activation tables', () => {
  const files = definitionFiles();

  it('every built-in is found in its own file under src/activations', () => {
    for (const name of Object.keys(activations)) {
      const file = files[name];
      expect(file, name).toBeDefined();
      expect(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')).toContain(`'${name}'`);
    }
  });

  for (const [file, base] of READMES) {
    it(`${file} holds the table generated from the definitions`, () => {
      const text = readme(file);
      const a = text.indexOf(TABLE_START);
      const b = text.indexOf(TABLE_END);
      expect(a, 'table markers').toBeGreaterThan(0);
      expect(text.slice(a + TABLE_START.length, b).trim()).toBe(activationTable(files, base));
    });

    it(`${file}: each row shows its definition's formula and derivative, and links to a file that exists`, () => {
      const text = readme(file);
      for (const def of Object.values(activations)) {
        const row = text.split('\n').find((l) => l.startsWith(`| [\`${def.name}\`]`));
        expect(row, def.name).toBeDefined();
        expect(row).toContain(def.formula.replace(/\|/g, '\\|'));
        expect(row).toContain(def.derivative);
        const link = /\]\(([^)]+)\)/.exec(row!)![1]!;
        expect(existsSync(new URL(`../../../${file.replace(/[^/]*$/, '')}${link}`, import.meta.url)), link).toBe(true);
      }
    });
  }
});
