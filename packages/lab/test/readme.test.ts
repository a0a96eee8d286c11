import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');

// The README's "from code" block, run as a user would: it must write a page with five charts.
describe('the lab README', () => {
  it('its code block runs and writes the page it promises', async () => {
    const readme = readFileSync(resolve(here, '../README.md'), 'utf8');
    const block = /## Using the pieces from code[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)![1]!;
    // Beside the package's tests, so '@actgrad/lab' and '@actgrad/nn' resolve as in a project.
    const dir = mkdtempSync(join(here, '.readme-'));
    const file = join(dir, 'snippet.ts');
    try {
      writeFileSync(file, block);
      await promisify(execFile)(resolve(root, 'node_modules/.bin/tsx'), ['--conditions=source', file], { cwd: dir });
      const html = readFileSync(join(dir, 'runs.html'), 'utf8');
      expect(html.match(/<section id=/g)).toHaveLength(5);
      expect(html.match(/<svg[\s>]/g)!.length).toBeGreaterThanOrEqual(5);
      expect(html).toContain('tanh boundary');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
