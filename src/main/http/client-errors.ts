import http from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyInstance } from 'fastify';

const STATUS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'the request line or headers are larger than the server accepts'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'the request was not received in time'],
};

/** Whether the bytes Node got start a Sim memory route's request line (its errors have their own shape). */
function isSimRequest(raw: unknown): boolean {
  return Buffer.isBuffer(raw) && /^[A-Z]+ \/api\/memory[/?\s]/.test(raw.toString('latin1', 0, 32));
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
  const body = JSON.stringify(
    isSimRequest(error.rawPacket)
      ? { success: false, error: message }
      : { statusCode: status, success: false, message },
  );
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
