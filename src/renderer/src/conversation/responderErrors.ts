import type { ResponderErrorKind } from '../../../shared/responder-error';

/** What the window says when a flow's responder gave no answer: a title and what to do. */
export const RESPONDER_ERROR_TEXT: Record<
  Exclude<ResponderErrorKind, 'stopped'>,
  { title: string; advice: string }
> = {
  unreachable: {
    title: 'The flow’s server could not be reached',
    advice: 'Check that the server is running and that the flow’s base URL is right.',
  },
  timeout: {
    title: 'The flow’s server did not answer in time',
    advice: 'The model may be loading or busy: retry, or give the flow a longer timeout.',
  },
  unauthorized: {
    title: 'The provider refused the API key (401)',
    advice: 'Set a valid API key in the flow’s settings.',
  },
  'model-not-found': {
    title: 'The model was not found',
    advice: 'Pick a model the server lists in the flow’s settings (or check the base URL).',
  },
  upstream: {
    title: 'The flow’s server failed to answer',
    advice: 'The server answered with an error; the details are below.',
  },
};

/** The words for an error kind, or a plain "No answer" for any other failure. */
export function responderErrorText(kind: ResponderErrorKind | undefined): { title: string; advice?: string } {
  if (kind === undefined || kind === 'stopped') return { title: 'No answer' };
  return RESPONDER_ERROR_TEXT[kind];
}
