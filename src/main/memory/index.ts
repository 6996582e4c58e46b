import type { Handlers } from '../../shared/contract';
import type { Store } from '../store';
import { type SystemInfo, systemHandlers } from './system';

/** Every operation's handler, for the HTTP routes and the IPC bridge alike. */
export function createHandlers(store: Store, info: SystemInfo): Handlers {
  return {
    ...systemHandlers(store, info),
  };
}
