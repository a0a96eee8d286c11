import { renameSync, writeFileSync } from 'node:fs';
import type { Callback } from './callbacks.js';

/** Options of {@link saveCheckpoints}. */
export interface SaveCheckpointsOptions {
  /** File to write; `{epoch}` in it is replaced by the number of epochs done (e.g. `run-{epoch}.json`). */
  path: string;
  /** Write after every `every` epochs (default 1), and always after the last one. */
  every?: number;
}

/**
 * A `fit` callback that writes a checkpoint (see `fit`'s `resume`) while training runs, so a
 * crashed or interrupted run continues where it stopped:
 *
 * ```ts
 * fit(model, data, { loss: 'mse', optimizer: 'adam', epochs: 100, callbacks: [saveCheckpoints({ path: 'run.json' })] });
 * // later, in a new process:
 * fit(model, data, { loss: 'mse', optimizer: 'adam', epochs: 100, resume: await loadCheckpointFile('run.json') });
 * ```
 *
 * Each file is written to a temporary name and renamed, so an interruption mid-write leaves
 * the previous checkpoint intact.
 */
export function saveCheckpoints(opts: SaveCheckpointsOptions): Callback {
  if (!opts || typeof opts.path !== 'string' || opts.path === '') throw new Error("saveCheckpoints: options need a path, e.g. { path: 'run.json' }");
  const every = opts.every ?? 1;
  if (!Number.isInteger(every) || every < 1) throw new Error(`saveCheckpoints: every must be an integer ≥ 1; got ${every}`);
  let lastSaved = -1;
  const write = (ck: ReturnType<Parameters<NonNullable<Callback['onTrainEnd']>>[0]['checkpoint']>) => {
    const path = opts.path.replaceAll('{epoch}', String(ck.epoch));
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(ck));
    renameSync(tmp, path);
    lastSaved = ck.epoch;
  };
  return {
    onTrainBegin() {
      lastSaved = -1;
    },
    onEpochEnd(log, ctx) {
      if ((log.epoch + 1) % every === 0) write(ctx.checkpoint());
    },
    onTrainEnd(ctx) {
      const ck = ctx.checkpoint();
      if (ck.epoch !== lastSaved && ck.epoch > 0) write(ck);
    },
  };
}
