import { runners } from './runners.js';
import { workloadIds, type WorkloadId } from './spec.js';

export interface BenchArgs {
  mode: 'quick' | 'full';
  only: WorkloadId[];
  json: boolean;
  /** Overrides the mode's repetitions (fresh processes per peer and workload). */
  repetitions?: number;
  /** Restricts the run to these runner ids (e.g. `actgrad-js,tfjs-cpu`). */
  peers?: string[];
  help: boolean;
  /** A saved results JSON to render as Markdown again instead of running anything. */
  render?: string;
  /** Write results into bench/results/ (tracked) rather than bench/results/tmp/. */
  save: boolean;
  /** Whether workloads were named (`matmul`, `--only w3`) rather than all run by default. */
  explicit: boolean;
}

/** Workload names accepted wherever an id is: `pnpm bench matmul` is `--only w3`. */
const aliases: Record<string, WorkloadId> = { tiny: 'w1', mlp: 'w2', matmul: 'w3', activations: 'w4' };

export const usage = `Usage: pnpm bench [workload…] [--full] [--only w1,w3] [--json] [--reps N] [--peers id,…]

  workload      w1|tiny  w2|mlp  w3|matmul  w4|activations (same as --only)
  --full        the spec's repetitions and timed windows (default: quick, one process per
                runner, short windows, W3 without n = 1024 unless W3 is named)
  --only LIST   comma-separated workloads to run
  --json        print the results as JSON instead of the Markdown table
  --save        write latest.{json,md,html} into bench/results/ (tracked; a full run of every
                workload also writes full.*); without it they go to bench/results/tmp/
  --reps N      fresh processes per peer and workload (default: quick 1, full 5)
  --peers LIST  run only these runners, e.g. actgrad-js,tfjs-cpu,torch-1t
  --render FILE render a saved results JSON again (writes FILE with .md and .html)`;

function workloadId(name: string): WorkloadId {
  const id = aliases[name] ?? name;
  if (!(workloadIds as readonly string[]).includes(id)) {
    const valid = [...workloadIds, ...Object.keys(aliases)].join(', ');
    throw new Error(`bench: unknown workload "${name}" (valid: ${valid})`);
  }
  return id as WorkloadId;
}

function list(value: string | undefined, flag: string): string[] {
  if (value === undefined || value.startsWith('--')) throw new Error(`bench: ${flag} needs a value`);
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Parses the command line; throws with the offending flag on bad input. */
export function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { mode: 'quick', only: [], json: false, help: false, explicit: false, save: false };
  const only = new Set<WorkloadId>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split('=', 2) as [string, string] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--':
        break;
      case '--full':
        args.mode = 'full';
        break;
      case '--quick':
        args.mode = 'quick';
        break;
      case '--json':
        args.json = true;
        break;
      case '--save':
        args.save = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      case '--only':
        for (const name of list(value(), '--only')) only.add(workloadId(name));
        break;
      case '--peers': {
        args.peers = list(value(), '--peers');
        const unknown = args.peers.filter((id) => !runners.some((r) => r.id === id));
        if (unknown.length) throw new Error(`bench: unknown runner "${unknown.join('", "')}" (valid: ${runners.map((r) => r.id).join(', ')})`);
        break;
      }
      case '--render': {
        const file = value();
        if (!file) throw new Error('bench: --render needs a results JSON file');
        args.render = file;
        break;
      }
      case '--reps': {
        const raw = value();
        const reps = Number(raw);
        if (!Number.isInteger(reps) || reps < 1) throw new Error(`bench: --reps needs a positive integer, got "${raw}"`);
        args.repetitions = reps;
        break;
      }
      default:
        if (flag.startsWith('-')) throw new Error(`bench: unknown option "${flag}"\n${usage}`);
        only.add(workloadId(flag));
    }
  }
  args.explicit = only.size > 0;
  args.only = only.size ? workloadIds.filter((id) => only.has(id)) : [...workloadIds];
  return args;
}
