// What the measurement scripts share: their command-line flags, medians, and the loop that
// runs each configuration in its own fresh processes, alternating (the JIT settles differently
// per process, and a shared machine's load drifts, so no configuration gets all the quiet runs).
import { spawnSync } from 'node:child_process';

export function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/**
 * Runs `script --child <config> ...args` `reps` times per configuration, alternating, and
 * collects the JSON each child prints last. A failed child is reported and skipped.
 */
export function runChildren<C extends string, R>(script: string, configs: readonly C[], reps: number,
  args: readonly string[]): Map<C, R[]> {
  const results = new Map<C, R[]>(configs.map((c) => [c, []]));
  for (let r = 0; r < reps; r++) {
    for (const config of configs) {
      const run = spawnSync(process.execPath, [...process.execArgv, script, '--child', config, ...args], { encoding: 'utf8' });
      if (run.status !== 0) {
        console.error(`${config}: ${run.stderr.trim().split('\n').slice(-1)[0]}`);
        continue;
      }
      results.get(config)!.push(JSON.parse(run.stdout.trim().split('\n').pop()!) as R);
      process.stderr.write('.');
    }
  }
  process.stderr.write('\n');
  return results;
}
