/** "1 message", "12 messages": a count and its noun. */
export const plural = (n: number, word: string): string =>
  `${n.toLocaleString()} ${word}${n === 1 ? '' : 's'}`;

/** "1 conversation", "12 conversations". */
export const conversations = (n: number): string => plural(n, 'conversation');

/** How many a list matches; "At least 51 conversations" when the count is only a lower bound. */
export const matchCount = (total: number, exact: boolean): string =>
  exact ? conversations(total) : `At least ${conversations(total)}`;
