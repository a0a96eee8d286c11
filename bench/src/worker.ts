import { runW1, runW2, runW3, runW4 } from './drivers.js';
import type { W1Settings, W2Settings, W3Settings, W4Settings } from './spec.js';
import { resultPrefix, type Job, type JsPeer, type Measurement, type WorkerResult } from './peers/types.js';

/**
 * One fresh process: builds one peer, runs one workload, answers with one result line on stdout.
 * Started by run.ts as `node --conditions=source --import tsx bench/src/worker.ts '<job json>'`.
 */

async function createPeer(runner: string): Promise<JsPeer> {
  switch (runner) {
    case 'tfjs-cpu':
      return (await import('./peers/tfjs.js')).createTfjsPeer('cpu');
    case 'tfjs-wasm':
      return (await import('./peers/tfjs.js')).createTfjsPeer('wasm');
    case 'actgrad-js':
      return (await import('./peers/actgrad.js')).createActgradPeer('js');
    case 'actgrad-wasm':
    case 'actgrad-wasm-1t':
    case 'actgrad-wasm-simd':
    case 'actgrad-wasm-simd-1t':
      return (await import('./peers/actgrad.js')).createActgradPeer('wasm');
    case 'actgrad-native':
    case 'actgrad-native-1t': {
      // Importing @actgrad/native registers the 'native' backend; W3 measures it against its own peak loop.
      const native = await import('@actgrad/native');
      const isa = native.nativeBackend.gemmVariant.native!;
      return (await import('./peers/actgrad.js')).createActgradPeer('native', { kind: 'native', isa, file: native.addonPath });
    }
    default:
      throw new Error(`no JavaScript runner "${runner}"`);
  }
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as Job;
  const peer = await createPeer(job.runner);
  let measurements: Measurement[];
  switch (job.workload) {
    case 'w1':
      measurements = runW1(peer, job.settings as W1Settings);
      break;
    case 'w2':
      measurements = runW2(peer, job.settings as W2Settings);
      break;
    case 'w3':
      measurements = await runW3(peer, job.settings as W3Settings, job);
      break;
    case 'w4':
      measurements = await runW4(peer, job.settings as W4Settings, job);
      break;
  }
  const result: WorkerResult = { runner: job.runner, workload: job.workload, backend: peer.backend, versions: peer.versions, measurements };
  process.stdout.write(`\n${resultPrefix}${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
