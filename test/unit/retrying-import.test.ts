import { describe, expect, it } from 'vitest';
import { retryingImport } from '../../src/renderer/src/lib/retryingImport';

describe('retryingImport', () => {
  it('asks once while a load is pending or done, and every caller gets its answer', async () => {
    let loads = 0;
    const load = retryingImport(async () => {
      loads++;
      return { default: 'picker' };
    });
    const [a, b] = await Promise.all([load(), load()]);
    expect(await load()).toBe(a);
    expect(b).toBe(a);
    expect(loads).toBe(1);
  });

  it('asks again after a failure, instead of keeping it', async () => {
    let loads = 0;
    const load = retryingImport(async () => {
      loads++;
      if (loads === 1) throw new TypeError('Failed to fetch dynamically imported module');
      return 'picker';
    });
    await expect(load()).rejects.toThrow('Failed to fetch');
    expect(await load()).toBe('picker');
    expect(await load()).toBe('picker');
    expect(loads).toBe(2);
  });
});
