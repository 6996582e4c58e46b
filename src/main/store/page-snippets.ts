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
 *
 * The scratch index reads its texts from a scratch table (external content), so that
 * emptying it is FTS5's 'delete-all' instead of a delete per row, each of which would
 * cut its text into words once more (a fifth to a third of a page's snippet time).
 */
export function pageSnippets(db: Db, snippetArgs: string) {
  let statements: ReturnType<typeof prepare> | undefined;
  function prepare() {
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS page_texts (id INTEGER PRIMARY KEY, text TEXT NOT NULL);
      CREATE VIRTUAL TABLE IF NOT EXISTS temp.page_snippets USING fts5(
        text, content='page_texts', content_rowid='id', ${TOKENIZE});`);
    return {
      fill: db.prepare<[string]>(
        'INSERT INTO temp.page_texts(id, text) SELECT key + 1, value FROM json_each(?)',
      ),
      index: db.prepare('INSERT INTO temp.page_snippets(rowid, text) SELECT id, text FROM temp.page_texts'),
      snippets: db.prepare<[string], { rowid: number; snippet: string }>(
        `SELECT rowid, snippet(page_snippets, 0, ${snippetArgs}) AS snippet
         FROM temp.page_snippets WHERE page_snippets MATCH ?`,
      ),
      clearIndex: db.prepare("INSERT INTO temp.page_snippets(page_snippets) VALUES ('delete-all')"),
      clearTexts: db.prepare('DELETE FROM temp.page_texts'),
    };
  }

  /** The snippet of each text for an FTS5 query (undefined where the text does not match). */
  return (texts: Array<string | null>, ftsQuery: string): Array<string | undefined> => {
    if (texts.length === 0) return [];
    statements ??= prepare();
    const { fill, index, snippets, clearIndex, clearTexts } = statements;
    try {
      fill.run(JSON.stringify(texts.map((t) => t ?? '')));
      index.run();
      const byIndex = new Map(snippets.all(ftsQuery).map((row) => [row.rowid, row.snippet]));
      return texts.map((_, i) => byIndex.get(i + 1));
    } finally {
      clearIndex.run();
      clearTexts.run();
    }
  };
}
