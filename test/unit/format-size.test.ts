import { describe, expect, it } from 'vitest';
import { formatSize } from '../../src/renderer/src/lib/size';

describe('formatSize', () => {
  it('shows KB below a megabyte, MB below a gigabyte, one decimal under 10', () => {
    expect(formatSize(0)).toBe('0 KB');
    expect(formatSize(300)).toBe('0.3 KB');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(740 * 1024)).toBe('740 KB');
    expect(formatSize(1024 * 1024 - 1)).toBe('1,024 KB');
    expect(formatSize(1024 * 1024)).toBe('1 MB');
    expect(formatSize(2.44 * 1024 * 1024)).toBe('2.4 MB');
    expect(formatSize(250 * 1024 * 1024)).toBe('250 MB');
    expect(formatSize(1.2 * 1024 ** 3)).toBe('1.2 GB');
  });
});
