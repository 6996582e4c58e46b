import type { ResponderErrorKind } from './responder-error';

/**
 * The error every transport throws for a refused or failed call. Kept apart from the
 * contract (zod) so the web page's first script can use it without loading zod.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Set when a flow's responder gave no answer: why, for the window to phrase. */
    readonly errorKind?: ResponderErrorKind,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
