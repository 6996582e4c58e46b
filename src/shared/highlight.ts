/**
 * Highlighted text: each match is wrapped in HIGHLIGHT_START / HIGHLIGHT_END (private-use
 * characters). Apart from the schemas so the web page's first script needs no zod.
 */
export const HIGHLIGHT_START = '\uE000';
export const HIGHLIGHT_END = '\uE001';
