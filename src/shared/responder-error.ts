/**
 * Why a responder gave no answer, as a word the window can phrase (no zod: the web page's
 * first script imports it). Sent as `errorKind` in an error's JSON body and over IPC.
 */
export const RESPONDER_ERROR_KINDS = [
  /** The server could not be reached (refused, unknown host, dropped connection). */
  'unreachable',
  /** No complete answer within the flow's timeoutMs. */
  'timeout',
  /** The provider refused the key (HTTP 401 or 403). */
  'unauthorized',
  /** The provider does not know the model (HTTP 404), or the base URL is wrong. */
  'model-not-found',
  /** Any other failure of the provider (5xx, an empty answer, a broken stream). */
  'upstream',
  /** Someone pressed Stop: nothing was stored. */
  'stopped',
] as const;
export type ResponderErrorKind = (typeof RESPONDER_ERROR_KINDS)[number];

export const isResponderErrorKind = (value: unknown): value is ResponderErrorKind =>
  typeof value === 'string' && (RESPONDER_ERROR_KINDS as readonly string[]).includes(value);
