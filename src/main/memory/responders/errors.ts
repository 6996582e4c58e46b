import type { ResponderErrorKind } from '../../../shared/responder-error';
import { HttpError } from '../../http/errors';

/** A responder's failure: its status, and in `errorKind` why, for the window to phrase. */
export const responderError = (status: number, kind: ResponderErrorKind, message: string) =>
  new HttpError(status, message, { errorKind: kind });

/** Why a stopped turn ended: nothing was stored. 409, as the turn did not happen. */
export const stoppedError = () =>
  responderError(409, 'stopped', 'the answer was stopped; nothing was stored');
