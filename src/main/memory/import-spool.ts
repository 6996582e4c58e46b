/**
 * An upload kept on disk while it is imported: the file is read twice (checked whole,
 * then imported), and an upload can be larger than memory. The copy lives in the data
 * dir (0600, named after the process) and is removed when the import ends; one left by a
 * process that died is removed by the next import.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { HttpError } from '../http/errors';

const PREFIX = 'import-';
const SUFFIX = '.upload';

export interface SpoolOptions {
  /** The largest upload taken; past it the import stops with a 413. */
  maxBytes: number;
  /** Each piece as it is written; false when the rest need not be written (it is still read). */
  onChunk: (chunk: Buffer) => boolean;
}

export interface Spool {
  file: string;
  bytes: number;
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Removes uploads left behind by processes that are no longer running. */
async function removeStale(dir: string): Promise<void> {
  const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) continue;
    const pid = Number(name.slice(PREFIX.length).split('-')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid)) {
      await fs.promises.rm(path.join(dir, name), { force: true });
    }
  }
}

/** A full disk (or quota) as the 507 a client can act on; other errors as they are. */
function diskError(error: unknown, dir: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== 'ENOSPC' && code !== 'EDQUOT') return error;
  return new HttpError(
    507,
    `the disk that holds the data dir (${dir}) is full: nothing was imported; free some space and import the file again`,
  );
}

const tooLarge = (maxBytes: number) => {
  const size = maxBytes >= 1024 ** 3 ? `${maxBytes / 1024 ** 3} GiB` : `${maxBytes / 1024 ** 2} MiB`;
  return new HttpError(413, `the file is larger than the ${size} import limit; nothing was imported`);
};

/** The 413 for a body that says (Content-Length) it is larger than `maxBytes`, before any of it is read. */
export const declaredTooLarge = (declared: number, maxBytes: number) =>
  declared > maxBytes ? tooLarge(maxBytes) : undefined;

/**
 * Writes the upload into a new file in `dir`, piece by piece with backpressure. The body
 * is read to its end (a client that is still sending hears the answer), except past
 * `maxBytes`, where reading stops: the caller then closes the connection. On failure
 * the file is removed and the error thrown (a full disk as a 507).
 */
export async function spoolUpload(
  dir: string,
  body: AsyncIterable<Uint8Array | string>,
  options: SpoolOptions,
): Promise<Spool & { remove(): Promise<void> }> {
  await removeStale(dir);
  const file = path.join(dir, `${PREFIX}${process.pid}-${randomUUID()}${SUFFIX}`);
  const remove = () => fs.promises.rm(file, { force: true });
  let bytes = 0;
  try {
    const handle = await fs.promises.open(file, 'wx', 0o600);
    try {
      let writing = true;
      // Not for-await: leaving that loop early destroys the request, and with it the answer.
      const pieces = body[Symbol.asyncIterator]();
      for (let next = await pieces.next(); !next.done; next = await pieces.next()) {
        const piece = next.value;
        const chunk =
          typeof piece === 'string'
            ? Buffer.from(piece)
            : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
        bytes += chunk.length;
        if (bytes > options.maxBytes) throw tooLarge(options.maxBytes);
        if (!writing) continue;
        for (let done = 0; done < chunk.length; ) {
          done += (await handle.write(chunk, done)).bytesWritten;
        }
        writing = options.onChunk(chunk);
      }
    } finally {
      await handle.close();
    }
  } catch (error) {
    await remove();
    throw diskError(error, dir);
  }
  return { file, bytes, remove };
}
