/**
 * Next / previous match, asked from outside the open conversation (Enter and Shift+Enter in
 * the global search box): the conversation's find listens while it has matches to move to.
 */
export type FindStep = 1 | -1;

const EVENT = 'mnemo:find-step';

export function requestFindStep(step: FindStep): void {
  window.dispatchEvent(new CustomEvent<FindStep>(EVENT, { detail: step }));
}

export function onFindStep(listener: (step: FindStep) => void): () => void {
  const handler = (event: Event) => listener((event as CustomEvent<FindStep>).detail);
  window.addEventListener(EVENT, handler);
  return () => window.removeEventListener(EVENT, handler);
}
