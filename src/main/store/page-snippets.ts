import type { Db } from './database';

/** The tokenizer of messages_fts and titles_fts (migration 2): the scratch table must cut words the same way. */
const TOKENIZE = "tokenize='unicode61 remove_diacritics 2'";

/**
 * Snippets for one page of the session list. Asking the real index for one row
 * (MATCH plus rowid) seeks through the whole list of matches of each word: up to a
 * third of a millisecond per row for a word in many messages. Instead the page's
 * matching texts go into a scratch FTS5 table (temp: this connection only, never in
 * the database file) with the same tokenizer, and one query snippets them all, the
 * same way FTS5 snippets the real index.
 */
export function pageSnippets(db: Db, snippetArgs: string) {
  let statements: ReturnType<typeof prepare> | undefined;
  function prepare() {
    db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.page_snippets USING fts5(text, ${TOKENIZE})`);
    return {
      fill: db.prepare<[string]>(
        'INSERT INTO temp.page_snippets(rowid, text) SELECT key + 1, value FROM json_each(?)',
      ),
      snippets: db.prepare<[string], { rowid: number; snippet: string }>(
        `SELECT rowid, snippet(page_snippets, 0, ${snippetArgs}) AS snippet
         FROM temp.page_snippets WHERE page_snippets MATCH ?`,
      ),
      clear: db.prepare('DELETE FROM temp.page_snippets'),
    };
  }

  /** The snippet of each text for an FTS5 query (undefined where the text does not match). */
  return (texts: Array<string | null>, ftsQuery: string): Array<string | undefined> => {
    if (texts.length === 0) return [];
    statements ??= prepare();
    const { fill, snippets, clear } = statements;
    fill.run(JSON.stringify(texts.map((t) => t ?? '')));
    try {
      const byIndex = new Map(snippets.all(ftsQuery).map((row) => [row.rowid, row.snippet]));
      return texts.map((_, i) => byIndex.get(i + 1));
    } finally {
      clear.run();
    }
  };
}
