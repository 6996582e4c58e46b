/**
 * A small real filesystem that can be filled up: a tmpfs mounted for a test (root only).
 * Where mounting is not allowed, `tmpfsUnavailable` says why, for `it.skipIf`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './tmp';

export interface Tmpfs {
  dir: string;
  /** Writes a filler file until the filesystem is full (ENOSPC); returns its path. */
  fill(): string;
  unmount(): void;
}

function mount(dir: string, sizeMiB: number): string | undefined {
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0700`, 'tmpfs', dir], {
    encoding: 'utf8',
  });
  if (result.error) return `mount could not run: ${result.error.message}`;
  if (result.status !== 0)
    return `mount -t tmpfs failed: ${result.stderr.trim() || `status ${result.status}`}`;
  return undefined;
}

function probe(): string | undefined {
  if (process.platform !== 'linux') return `tmpfs needs Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const tmp = tempDir('mnemo-tmpfs-probe-');
  try {
    const failed = mount(tmp.dir, 1);
    if (failed) return failed;
    spawnSync('umount', [tmp.dir]);
    return undefined;
  } finally {
    tmp.cleanup();
  }
}

/** Why a tmpfs cannot be mounted here (undefined: it can). */
export const tmpfsUnavailable: string | undefined = probe();
if (tmpfsUnavailable) console.log(`skipping the full-disk tests: ${tmpfsUnavailable}`);

export function mountTmpfs(sizeMiB: number): Tmpfs {
  const tmp = tempDir('mnemo-tmpfs-');
  const failed = mount(tmp.dir, sizeMiB);
  if (failed) {
    tmp.cleanup();
    throw new Error(failed);
  }
  return {
    dir: tmp.dir,
    fill() {
      const file = path.join(tmp.dir, `filler-${Date.now()}`);
      const fd = fs.openSync(file, 'w');
      const block = Buffer.alloc(64 * 1024, 1);
      try {
        for (;;) fs.writeSync(fd, block);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        fs.closeSync(fd);
      }
      // Whatever a 64 KiB block did not fit: the last few pages.
      try {
        fs.appendFileSync(file, Buffer.alloc(4096, 1));
        for (;;) fs.appendFileSync(file, Buffer.alloc(512, 1));
      } catch {}
      return file;
    },
    unmount() {
      // A lazy unmount: a store still open on it (a failed test) must not keep it busy.
      spawnSync('umount', ['-l', tmp.dir]);
      tmp.cleanup();
    },
  };
}
