import http from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyInstance } from 'fastify';

const STATUS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'the request line or headers are larger than the server accepts'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'the request was not received in time'],
};

/**
 * Which surface's request line the bytes Node handed over start: a Sim memory route or
 * an OpenAI-compatible one (their errors have their own shapes), or another; undefined
 * when they do not start a request line at all: a head too large arrives in several
 * reads, and Node hands over only the one it failed in.
 */
function surfaceOf(raw: unknown): 'sim' | 'openai' | 'other' | undefined {
  if (!Buffer.isBuffer(raw)) return undefined;
  const start = raw.toString('latin1', 0, 32);
  if (!/^[A-Z]+ \//.test(start)) return undefined;
  if (/^[A-Z]+ \/api\/memory[/?\s]/.test(start)) return 'sim';
  return /^[A-Z]+ \/v1\//.test(start) ? 'openai' : 'other';
}

/**
 * A request Node could not even parse (headers too large, a broken request line),
 * answered in the JSON error shape before closing. Logged by code only: the error Node
 * hands over carries the raw request bytes, and with them the Authorization header.
 */
export function handleClientError(this: FastifyInstance, error: ConnectionError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  this.log.debug({ code: error.code }, 'unparsable request refused');
  const [status, message] = STATUS[error.code] ?? [400, 'the request is not valid HTTP'];
  const surface = surfaceOf(error.rawPacket);
  // A request whose route cannot be known gets both shapes' fields, so either client reads it.
  const body = JSON.stringify(
    surface === 'sim'
      ? { success: false, error: message }
      : surface === 'openai'
        ? { error: { message, type: 'invalid_request_error', param: null, code: null } }
        : surface === 'other'
          ? { statusCode: status, success: false, message }
          : { statusCode: status, success: false, message, error: message },
  );
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
