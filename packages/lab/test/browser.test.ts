import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runLab } from '../src/lab/run-lab.js';
import { buildDemoPage } from '../src/report/demo-page.js';
import { buildLabPage } from '../src/report/lab-page.js';
import { writePage } from '../src/report/write.js';
import { runExample } from '../src/run-example.js';
import { TASKS } from '../src/tasks.js';
import { CHROMIUM, look, type Look } from './look.js';

/**
 * The reports in a real browser: the system Chromium, headless, every request outside the page
 * aborted and recorded. A page must load with no console error, ask for nothing, and fit an
 * 800 px window. Screenshots are left in a temporary folder (printed) for a human to look at.
 */
const dir = mkdtempSync(join(tmpdir(), 'actgrad-look-'));
const WINDOW = 800;

describe('reports in Chromium', () => {
  it('has a Chromium to run', () => {
    // Fail rather than skip: without a browser this check would silently prove nothing.
    expect(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`).toBe(true);
  });

  let demo: Look;
  let lab: Look;
  let pairs: Look;
  beforeAll(async () => {
    const run = runExample({ task: 'moons', ...TASKS.moons.defaults, epochs: 10, json: false });
    const demoPath = writePage(await buildDemoPage(run), 'demo.html', join(dir, 'demo.html'));
    const d = TASKS.spirals.defaults;
    const result = runLab({
      task: 'spirals', hidden: ['relu', 'tanh', 'sigmoid', 'elu'], outputs: ['softmax'], seeds: 2, seed: 42,
      settings: { ...d, epochs: 5 }, threshold: 0.9, deep: 3, deepHidden: ['sigmoid', 'relu'],
    });
    const labPath = writePage(await buildLabPage({ result, testPoints: result.testPoints, allActivations: ['relu', 'tanh', 'sigmoid', 'elu', 'softmax'] }), 'lab.html', join(dir, 'lab.html'));
    // Hidden × output pairs: the most legend entries and dashed lines.
    const m = TASKS.moons.defaults;
    const paired = runLab({
      task: 'moons', hidden: ['relu', 'leakyRelu', 'elu', 'selu', 'tanh', 'sigmoid'], outputs: ['sigmoid', 'tanh'], seeds: 1, seed: 42,
      settings: { ...m, epochs: 3 }, threshold: 0.9, deep: 0, deepHidden: [], sameStart: true,
    });
    const pairsPath = writePage(await buildLabPage({ result: paired, testPoints: paired.testPoints, allActivations: ['relu', 'leakyRelu', 'elu', 'selu', 'tanh', 'sigmoid'] }), 'pairs.html', join(dir, 'pairs.html'));
    demo = await look(demoPath, { width: WINDOW, screenshot: join(dir, 'demo.png') });
    lab = await look(labPath, { width: WINDOW, screenshot: join(dir, 'lab.png') });
    pairs = await look(pairsPath, { width: WINDOW, screenshot: join(dir, 'pairs.png') });
    process.stdout.write(`screenshots: ${dir}/demo.png, ${dir}/lab.png, ${dir}/pairs.png\n`);
  });

  it.each([['demo', () => demo], ['lab', () => lab], ['pairs', () => pairs]] as const)('%s: no console error, no request, fits an 800 px window', (_, get) => {
    const page = get();
    expect(page.consoleErrors).toEqual([]);
    expect(page.requests).toEqual([]);
    expect(page.emptySections).toEqual([]);
    expect(page.scrollWidth).toBeLessThanOrEqual(WINDOW);
    // Inside the section box: the window less the page and section paddings (2 × 20 px each) and borders.
    expect(page.widestChart).toBeLessThanOrEqual(WINDOW - 82);
    expect(page.widestChart).toBeGreaterThan(200); // charts were drawn at all
    expect(existsSync(join(dir, `${_}.png`))).toBe(true);
  });
});
