import { describe, expect, it } from 'vitest';

describe('workspace', () => {
  it('resolves the tensor package from source', async () => {
    const mod = await import('@actgrad/tensor');
    expect(typeof mod).toBe('object');
  });
});
