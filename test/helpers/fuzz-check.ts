import fc from 'fast-check';
import { shorten } from './fuzz-http';

/**
 * fc.assert, but a failure names the seed (replay it with MNEMO_FUZZ_SEED=<seed>) and
 * shows the shrunk counterexample with long strings cut, instead of megabytes of text.
 */
export async function checkProperty<T>(
  property: fc.IAsyncPropertyWithHooks<[T]>,
  params: fc.Parameters<[T]> = {},
): Promise<void> {
  const seed = process.env.MNEMO_FUZZ_SEED;
  const details = await fc.check(property, seed ? { ...params, seed: Number(seed) } : params);
  if (!details.failed) return;
  const error = details.errorInstance as Error | undefined;
  const message = (error?.message ?? String(details.errorInstance)).slice(0, 2000);
  throw new Error(
    `property failed (MNEMO_FUZZ_SEED=${details.seed}, path "${details.counterexamplePath}") on ` +
      `${JSON.stringify(shorten(details.counterexample))}\n${message}`,
  );
}
