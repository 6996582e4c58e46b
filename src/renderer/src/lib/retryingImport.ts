/**
 * A module loaded with import() once asked, each caller given the same promise; after a
 * failure (a network error, a tab left open across an upgrade) the next call asks again
 * instead of keeping the failure, as React.lazy would.
 */
export function retryingImport<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
