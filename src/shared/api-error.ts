/**
 * The error every transport throws for a refused or failed call. Kept apart from the
 * contract (zod) so the web page's first script can use it without loading zod.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
