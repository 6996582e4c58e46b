import type { Handlers } from '../../shared/contract';
import { HttpError } from '../http/errors';
import type { Store } from '../store';
import type { EventBus } from './events';
import type { SecretStore } from './secrets';
import { type SystemInfo, systemHandlers } from './system';

export interface ServiceContext {
  store: Store;
  events: EventBus;
  secrets: SecretStore;
  info: SystemInfo;
}

const notYet = (name: string) => async (): Promise<never> => {
  throw new HttpError(501, `${name} is not implemented yet`);
};

/** Every operation's handler, for the HTTP routes and the IPC bridge alike. */
export function createHandlers(context: ServiceContext): Handlers {
  return {
    ...systemHandlers(context.store, context.info),
    getSettings: notYet('getSettings'),
    updateSettings: notYet('updateSettings'),
    listFlows: notYet('listFlows'),
    createFlow: notYet('createFlow'),
    updateFlow: notYet('updateFlow'),
    deleteFlow: notYet('deleteFlow'),
    testFlow: notYet('testFlow'),
    listSessions: notYet('listSessions'),
    getSession: notYet('getSession'),
    renameSession: notYet('renameSession'),
    deleteSession: notYet('deleteSession'),
    deleteSessions: notYet('deleteSessions'),
    continueSession: notYet('continueSession'),
    listTrash: notYet('listTrash'),
    restoreTrash: notYet('restoreTrash'),
    purgeTrash: notYet('purgeTrash'),
    search: notYet('search'),
  };
}
