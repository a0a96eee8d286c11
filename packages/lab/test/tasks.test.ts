import { describe, expect, it } from 'vitest';
import { runExample } from '../src/run-example.js';
import { TASK_NAMES, TASKS } from '../src/tasks.js';

// Each task with exactly the CLI's defaults (imported from the same table) must reach its bar on
// the test split. Training is seeded, so this is deterministic, not a flaky threshold.
describe('every example reaches its bar with its defaults', () => {
  it.each(TASK_NAMES)('%s', (name) => {
    const task = TASKS[name];
    const run = runExample({ task: name, ...task.defaults, json: true });
    const value = task.metric === 'accuracy' ? run.result.testAccuracy : run.result.testR2;
    expect(value, `${name}: test ${task.metric}`).toBeGreaterThanOrEqual(task.bar);
    expect(run.result.epochs).toBe(task.defaults.epochs);
    expect(run.result.trainLoss).toBeGreaterThan(0);
    expect(run.warnings).toEqual([]); // the defaults follow the notes' table: nothing to warn about
  });

  it('pairs each task with the output activation of the notes’ use-scenario table', () => {
    expect(Object.fromEntries(TASK_NAMES.map((n) => [n, TASKS[n].defaults.output]))).toEqual({
      moons: 'sigmoid',
      spirals: 'softmax',
      iris: 'softmax',
      'unit-regression': 'sigmoid',
      'signed-regression': 'tanh',
      regression: 'linear',
    });
    for (const n of TASK_NAMES) expect(TASKS[n].defaults.hidden.every((h) => h === 'relu')).toBe(true);
  });

  it('is reproducible: the same seed gives the same numbers', () => {
    const opts = { task: 'moons' as const, ...TASKS.moons.defaults, epochs: 5, json: true };
    const a = runExample(opts).result;
    const b = runExample(opts).result;
    expect({ ...a, seconds: 0 }).toEqual({ ...b, seconds: 0 });
    const c = runExample({ ...opts, seed: 7 }).result;
    expect(c.trainLoss).not.toBe(a.trainLoss);
  });
});
