/** "1 conversation", "12 conversations". */
export const conversations = (n: number): string => `${n.toLocaleString()} conversation${n === 1 ? '' : 's'}`;

/** How many a list matches; "At least 51 conversations" when the count is only a lower bound. */
export const matchCount = (total: number, exact: boolean): string =>
  exact ? conversations(total) : `At least ${conversations(total)}`;
