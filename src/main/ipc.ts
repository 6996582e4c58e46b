/**
 * The IPC side of the contract: one handler per operation, each checking who calls
 * (the sender frame must be Mnemo's own renderer) and validating its argument with
 * the operation's schema before the shared handler runs.
 */
import type { IpcMainInvokeEvent } from 'electron';
import type { z } from 'zod';
import {
  type DesktopHandlers,
  desktopOperationNames,
  desktopOperations,
  type Handlers,
  type IpcResult,
  inputSchema,
  ipcChannel,
  type OperationName,
  operationNames,
} from '../shared/contract';
import { isResponderErrorKind } from '../shared/responder-error';
import { FAULT_STATUS, HttpError } from './http/errors';
import { storeFault } from './store/faults';

/** The part of Electron's ipcMain this needs (a fake in unit tests). */
export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>,
  ): void;
}

export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `field "${issue.path.join('.')}": ${issue.message}` : issue.message))
    .join('; ');
}

export async function invoke(
  handlers: Handlers,
  name: OperationName,
  isTrustedSender: (url: string | undefined) => boolean,
  event: Pick<IpcMainInvokeEvent, 'senderFrame'>,
  raw: unknown,
): Promise<IpcResult> {
  const handler = handlers[name] as (input: unknown) => Promise<unknown>;
  return checkedCall(name, inputSchema(name), handler, isTrustedSender, event, raw);
}

/** Who calls, then what they send, then the handler; errors come back as data. */
async function checkedCall(
  name: string,
  schema: z.ZodType,
  handler: (input: unknown) => Promise<unknown>,
  isTrustedSender: (url: string | undefined) => boolean,
  event: Pick<IpcMainInvokeEvent, 'senderFrame'>,
  raw: unknown,
): Promise<IpcResult> {
  if (!isTrustedSender(event.senderFrame?.url)) {
    return { ok: false, status: 403, message: 'refused: IPC from a frame that is not Mnemo’s window' };
  }
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) return { ok: false, status: 400, message: formatIssues(parsed.error) };
  try {
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    if (error instanceof HttpError) {
      const errorKind = error.extra.errorKind;
      return {
        ok: false,
        status: error.statusCode,
        message: error.message,
        ...(isResponderErrorKind(errorKind) ? { errorKind } : {}),
      };
    }
    const fault = storeFault(error);
    if (fault) return { ok: false, status: FAULT_STATUS[fault.kind], message: fault.message };
    console.error(`IPC ${name} failed:`, error);
    return { ok: false, status: 500, message: 'internal error; see the log' };
  }
}

export function registerIpc(
  ipcMain: IpcMainLike,
  handlers: Handlers,
  isTrustedSender: (url: string | undefined) => boolean,
): void {
  for (const name of operationNames) {
    ipcMain.handle(ipcChannel(name), (event, raw) => invoke(handlers, name, isTrustedSender, event, raw));
  }
}

/** The desktop-only operations (a save dialog, a file's text): same checks as every IPC call. */
export function registerDesktopIpc(
  ipcMain: IpcMainLike,
  handlers: DesktopHandlers,
  isTrustedSender: (url: string | undefined) => boolean,
): void {
  for (const name of desktopOperationNames) {
    const handler = handlers[name] as (input: unknown) => Promise<unknown>;
    const schema = desktopOperations[name].input;
    ipcMain.handle(ipcChannel(name), (event, raw) =>
      checkedCall(name, schema, handler, isTrustedSender, event, raw),
    );
  }
}
