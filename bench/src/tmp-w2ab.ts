import { getBackend } from '@actgrad/tensor';
import { w2Data } from './data.js';
import { createActgradPeer } from './peers/actgrad.js';
import { settingsFor } from './spec.js';
const [name, va, vb] = (process.env.AB ?? 'X_AC,4,1').split(',');
const settings = settingsFor('full').w2;
const peer = await createActgradPeer('wasm');
const data = w2Data();
const trainer = peer.w2(data, settings);
const pool = Math.floor(data.n / settings.batchSize);
let s = 0;
const stepN = (k: number) => { for (let i = 0; i < k; i++, s++) trainer.step((s % pool) * settings.batchSize); };
stepN(50);
const rate = (v: string) => { process.env[name!] = v; stepN(3); const t = performance.now(); stepN(60); return 60 / ((performance.now() - t) / 1000); };
const ratios: number[] = [], ra: number[] = [], rb: number[] = [];
for (let r = 0; r < 21; r++) {
  let x: number, y: number;
  if (r % 2) (y = rate(vb!), x = rate(va!)); else (x = rate(va!), y = rate(vb!));
  ratios.push(y / x); ra.push(x); rb.push(y);
}
const med = (v: number[]) => [...v].sort((p, q) => p - q)[v.length >> 1]!;
const b = getBackend() as unknown as { counters?: object };
console.log(`W2 ${name}=${vb}/${va}: ${med(ratios).toFixed(3)} (A ${med(ra).toFixed(0)}, B ${med(rb).toFixed(0)} steps/s)`, JSON.stringify(b.counters));
process.exit(0);
