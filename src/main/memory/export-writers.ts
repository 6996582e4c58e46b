/**
 * Turning an export's items into text, piece by piece: Mnemo JSON (one flow or session
 * per line, so it streams and can be read back line by line) and readable Markdown.
 */
import { MNEMO_FORMAT, MNEMO_VERSION } from '../../shared/schemas/transfer';
import type { ExportItem, ExportMessageRecord, ExportSessionRecord } from '../store';
import type { FlowRecord } from '../store/types';

export interface ExportWriter {
  start(): string;
  write(items: ExportItem[]): string;
  end(): string;
  /**
   * The last words of an export that could not be finished: says so in the file, and in
   * JSON leaves a document that does not parse (never a cut that looks complete).
   */
  fail(reason: string): string;
}

export interface ExportCounts {
  sessions: number;
  messages: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Mnemo JSON, version 1:
 *   {"format":"mnemo","version":1,"exportedAt":"…","flows":[
 *   {flow}, one per line
 *   ],"sessions":[
 *   {session with its messages}, one per line
 *   ]}
 */
export function mnemoJsonWriter(exportedAt: number, counts: ExportCounts): ExportWriter {
  let section: 'flows' | 'sessions' = 'flows';
  let inFlows = 0;
  let messagesInSession = 0;

  const flowLine = (flow: FlowRecord) =>
    JSON.stringify({
      id: flow.id,
      name: flow.name,
      responder: flow.responder,
      retentionDays: flow.retentionDays,
      createdAt: iso(flow.createdAt),
      updatedAt: iso(flow.updatedAt),
    });
  const sessionStart = (s: ExportSessionRecord) =>
    `${JSON.stringify({
      flowId: s.flowId,
      sessionId: s.sessionId,
      title: s.title,
      titleCustom: s.titleCustom,
      createdAt: iso(s.createdAt),
      updatedAt: iso(s.updatedAt),
    }).slice(0, -1)},"messages":[`;
  // Written field by field (no object per message: a million pass through); the stored
  // metadata is already JSON.stringify's text.
  const q = JSON.stringify;
  const message = (m: ExportMessageRecord) =>
    `{"id":${q(m.id)},"role":${q(m.role)},"content":${q(m.content)},"createdAt":"${iso(m.createdAt)}",` +
    `"chatId":${q(m.chatId)},"chatType":${q(m.chatType)},"metadata":${m.metadataJson ?? 'null'}` +
    `${m.importKey === null ? '' : `,"importKey":${q(m.importKey)}`}}`;
  const toSessions = () => {
    section = 'sessions';
    return '\n],"sessions":[';
  };

  return {
    start: () =>
      `{"format":${JSON.stringify(MNEMO_FORMAT)},"version":${MNEMO_VERSION},"exportedAt":${JSON.stringify(iso(exportedAt))},"flows":[`,
    write(items) {
      let out = '';
      for (const item of items) {
        if (item.type === 'flow') {
          out += `${inFlows === 0 ? '\n' : ',\n'}${flowLine(item.flow)}`;
          inFlows += 1;
        } else if (item.type === 'session') {
          if (section === 'flows') out += toSessions();
          out += `${counts.sessions === 0 ? '\n' : ']},\n'}${sessionStart(item.session)}`;
          counts.sessions += 1;
          messagesInSession = 0;
        } else {
          for (const m of item.messages) {
            out += `${messagesInSession === 0 ? '' : ','}${message(m)}`;
            messagesInSession += 1;
          }
          counts.messages += item.messages.length;
        }
      }
      return out;
    },
    end: () => `${section === 'flows' ? toSessions() : ''}${counts.sessions === 0 ? '' : ']}'}\n]}\n`,
    // The document stays unclosed; the line says why, for a person who opens the file.
    fail: (reason) => `\n{"error":${JSON.stringify(`export incomplete: ${reason}`)}}\n`,
  };
}

const ROLE_LABEL = { user: 'User', assistant: 'Assistant', system: 'System' } as const;

/** Inline code that holds any text (a fence longer than any run of backticks in it). */
function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Readable Markdown: one section per conversation, each message with its role and time. */
export function markdownWriter(exportedAt: number, counts: ExportCounts): ExportWriter {
  return {
    start: () => `# Mnemo export\n\nExported ${iso(exportedAt)}. Times are UTC.\n`,
    write(items) {
      let out = '';
      for (const item of items) {
        if (item.type === 'flow') continue;
        if (item.type === 'session') {
          const s = item.session;
          counts.sessions += 1;
          out +=
            `\n## ${oneLine(s.title ?? s.sessionId)}\n\n` +
            `- Flow: ${oneLine(s.flowName)} (${code(s.flowId)})\n` +
            `- Session: ${code(s.sessionId)}\n` +
            `- ${s.messageCount} message${s.messageCount === 1 ? '' : 's'}, ${iso(s.createdAt)} to ${iso(s.updatedAt)}\n`;
          continue;
        }
        for (const m of item.messages) {
          out += `\n### ${ROLE_LABEL[m.role]} · ${iso(m.createdAt)}\n\n${m.content}\n`;
        }
        counts.messages += item.messages.length;
      }
      return out;
    },
    end: () => (counts.sessions === 0 ? '\nNo conversations matched.\n' : ''),
    fail: (reason) => `\n\n---\n\n**Export incomplete:** the file stops here because ${oneLine(reason)}\n`,
  };
}
