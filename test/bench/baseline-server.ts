/**
 * The baseline of SPEC 9's append benchmark: `node:http` and one better-sqlite3 INSERT
 * per request, nothing else (no validation, no auth, no indexes, no full-text index).
 * Its database is opened as Mnemo opens its own (WAL, synchronous=NORMAL), so both
 * promise the same thing when they answer: the row is committed to the WAL.
 *
 * Run as its own process by the benchmark (env BASELINE_DB); prints its address.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { openDatabase } from '../../src/main/store/database';

interface Body {
  conversationId: string;
  role: string;
  content: string;
}

const db = openDatabase(process.env.BASELINE_DB ?? 'baseline.db');
db.exec(`CREATE TABLE IF NOT EXISTS messages (
  seq INTEGER PRIMARY KEY, conversation_id TEXT, role TEXT, content TEXT, created_at INTEGER)`);
const insert = db.prepare<[string, string, string, number]>(
  'INSERT INTO messages (conversation_id, role, content, created_at) VALUES (?, ?, ?, ?)',
);

const server = http.createServer((request, response) => {
  let text = '';
  request.setEncoding('utf8');
  request.on('data', (chunk: string) => {
    text += chunk;
  });
  request.on('end', () => {
    const body = JSON.parse(text) as Body;
    const seq = insert.run(body.conversationId, body.role, body.content, Date.now()).lastInsertRowid;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ success: true, seq: Number(seq) }));
  });
});
server.listen(0, '127.0.0.1', () => {
  console.log(`Baseline listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => {
  server.close();
  db.close();
  process.exit(0);
});
