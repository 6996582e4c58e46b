import { HttpError } from '../http/errors';

/**
 * Why a turn ended when a stop button (Flowise's abort route) stopped it: nothing is
 * stored; a JSON prediction answers 409 with this message, a streamed one ends with
 * Flowise's `abort` event.
 */
export class TurnStoppedError extends HttpError {
  constructor() {
    super(
      409,
      'the answer was stopped (PUT /api/v1/chatmessage/abort) before it was complete; nothing was stored',
    );
  }
}
