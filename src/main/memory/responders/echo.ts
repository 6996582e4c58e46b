import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Responder, ResponderInput } from './index';

/** Quoted text is cut so that an answer stays far below the 1 MiB message limit. */
const QUOTE_LIMIT = 2000;

function quote(text: string): string {
  const chars = Array.from(text);
  return chars.length <= QUOTE_LIMIT ? text : `${chars.slice(0, QUOTE_LIMIT - 1).join('')}…`;
}

/** The echo's answer: deterministic from the question and the memory it was given. */
export function echoAnswer({ memory, question }: Pick<ResponderInput, 'memory' | 'question'>): string {
  const n = memory.length;
  const answer = `You said: "${quote(question)}" (${n} earlier message${n === 1 ? '' : 's'} in this session)`;
  const lastUser = memory.findLast((m) => m.role === 'user');
  return lastUser ? `${answer} Before that you said: "${quote(lastUser.content)}".` : answer;
}

/** Built in and offline: the default flow's responder, so a fresh install answers. */
export function echoResponder(): Responder {
  return {
    streaming: true,
    async answer(input) {
      const text = echoAnswer(input);
      if (input.onToken) {
        // Word by word, yielding between pieces so a disconnect can stop it half-way.
        for (const piece of text.match(/\S+\s*|\s+/g) ?? []) {
          await nextTurn(undefined, { signal: input.signal });
          input.onToken(piece);
        }
      }
      input.signal.throwIfAborted();
      return text;
    },
  };
}
