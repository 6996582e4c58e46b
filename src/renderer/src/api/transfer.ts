/**
 * Export and import for the window, over its two transports. The web page downloads
 * GET /api/v1/export (reading the stream, so it can show progress) and uploads the file
 * to POST /api/v1/import (XHR: upload progress); the desktop app asks its main process,
 * which shows a save dialog and streams the export into the file itself.
 */
import { ApiError } from '../../../shared/api-error';
import type { IpcResult, MnemoBridge } from '../../../shared/contract';
import type { ExportQueryInput, ImportResult } from '../../../shared/schemas/transfer';
import { formatSize } from '../lib/size';

export interface TransferProgress {
  /** 0..1 when known. */
  fraction?: number;
  text: string;
}

export interface ExportOutcome {
  /** False when the person closed the save dialog. */
  saved: boolean;
  /** Known where the main process wrote the file (desktop). */
  sessions?: number;
  messages?: number;
  bytes: number;
  /** Where it went (desktop), or the downloaded file's name (web). */
  file?: string;
}

export interface TransferClient {
  /** `total`: how many conversations the export holds, when the window knows it (for progress). */
  exportFile(
    query: ExportQueryInput,
    options?: { total?: number; onProgress?: (p: TransferProgress) => void },
  ): Promise<ExportOutcome>;
  importFile(
    file: File,
    options?: { flowId?: string; onProgress?: (p: TransferProgress) => void },
  ): Promise<ImportResult>;
}

const queryString = (query: ExportQueryInput) =>
  new URLSearchParams(
    Object.entries(query).flatMap(([key, value]): [string, string][] =>
      value === undefined ? [] : [[key, String(value)]],
    ),
  ).toString();

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** A file's text, read in chunks so the bytes read so far can be reported. */
async function readText(file: File, onRead: (bytes: number) => void): Promise<string> {
  const reader = file.stream().getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let read = 0;
  onRead(0);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    read += value.byteLength;
    parts.push(decoder.decode(value, { stream: true }));
    onRead(read);
  }
  parts.push(decoder.decode());
  return parts.join('');
}

function unwrap<T>(result: IpcResult<T>): T {
  if (!result.ok) throw new ApiError(result.status, result.message);
  return result.value;
}

/** Desktop: the main process saves and imports. */
export function ipcTransfer(bridge: MnemoBridge): TransferClient {
  return {
    async exportFile(query, options = {}) {
      options.onProgress?.({ text: 'Exporting…' });
      const result = unwrap(await bridge.exportToFile(query));
      return { ...result, file: result.file ?? undefined };
    },
    async importFile(file, options = {}) {
      const content = await readText(file, (read) =>
        options.onProgress?.({
          fraction: file.size ? read / file.size : undefined,
          text: `Reading ${file.name}… ${file.size ? Math.floor((100 * read) / file.size) : 100}% (${formatSize(read)} of ${formatSize(file.size)})`,
        }),
      );
      options.onProgress?.({ text: 'Importing…' });
      return unwrap(await bridge.importContent({ content, flowId: options.flowId }));
    },
  };
}

async function errorOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => undefined)) as { message?: string } | undefined;
  return new ApiError(response.status, body?.message ?? response.statusText);
}

/** Web page: HTTP with the key. */
export function httpTransfer(baseUrl: string, apiKey: () => string): TransferClient {
  return {
    async exportFile(query, options = {}) {
      let response: Response;
      try {
        response = await fetch(`${baseUrl}/api/v1/export?${queryString(query)}`, {
          headers: { Authorization: `Bearer ${apiKey()}` },
        });
      } catch {
        throw new ApiError(0, 'cannot reach the Mnemo server');
      }
      if (!response.ok || !response.body) throw await errorOf(response);
      const name =
        /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'mnemo-export';
      // Each conversation of a Mnemo JSON export is one line: lines read ≈ conversations done.
      const reader = response.body.getReader();
      const parts: Uint8Array[] = [];
      let bytes = 0;
      let lines = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        bytes += value.byteLength;
        for (const byte of value) if (byte === 10) lines += 1;
        const fraction =
          options.total && query.format !== 'markdown' ? Math.min(1, lines / (options.total + 3)) : undefined;
        options.onProgress?.({ fraction, text: `Downloading… ${megabytes(bytes)}` });
      }
      const blob = new Blob(parts as BlobPart[], { type: response.headers.get('content-type') ?? undefined });
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      return { saved: true, bytes, file: name };
    },

    importFile(file, options = {}) {
      const query = options.flowId ? `?flowId=${encodeURIComponent(options.flowId)}` : '';
      return new Promise<ImportResult>((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', `${baseUrl}/api/v1/import${query}`);
        xhr.setRequestHeader('Authorization', `Bearer ${apiKey()}`);
        xhr.setRequestHeader('Content-Type', 'application/json');
        xhr.responseType = 'json';
        xhr.upload.onprogress = (event) => {
          const fraction = event.lengthComputable ? event.loaded / event.total : undefined;
          options.onProgress?.({
            fraction,
            text:
              fraction === undefined
                ? `Uploading… ${formatSize(event.loaded)}`
                : `Uploading… ${Math.floor(fraction * 100)}% (${formatSize(event.loaded)} of ${formatSize(event.total)})`,
          });
        };
        xhr.upload.onload = () => options.onProgress?.({ text: 'Importing…' });
        xhr.onerror = () => reject(new ApiError(0, 'cannot reach the Mnemo server'));
        xhr.onload = () => {
          const body = xhr.response as (ImportResult & { message?: string }) | null;
          if (xhr.status === 200 && body) resolve(body);
          else reject(new ApiError(xhr.status, body?.message ?? xhr.statusText));
        };
        xhr.send(file);
      });
    },
  };
}
