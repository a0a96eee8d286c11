import { backendNames, getBackend, matmul, setBackend, tensor } from '@actgrad/tensor';
import type { JsPeer } from './types.js';

export async function createActgradPeer(backend: string): Promise<JsPeer> {
  if (!backendNames().includes(backend)) throw new Error(`@actgrad/tensor has no "${backend}" backend (has ${backendNames().join(', ')})`);
  setBackend(backend);
  const unavailable = (what: string) => () => {
    throw new Error(`${what} is not available yet`);
  };
  return {
    backend: getBackend().name,
    versions: {},
    w1: unavailable('w1'),
    w2: unavailable('w2'),
    matmul(a, b, n) {
      const ta = tensor(a, { shape: [n, n] });
      const tb = tensor(b, { shape: [n, n] });
      return () => void matmul(ta, tb);
    },
    activation: unavailable('w4'),
  };
}
