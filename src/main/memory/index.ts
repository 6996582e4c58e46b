import type { Handlers } from '../../shared/contract';
import type { Store } from '../store';
import type { EventBus } from './events';
import { flowHandlers, flowService } from './flows';
import { modelHandlers } from './models';
import { createPredictionService } from './prediction';
import { searchHandlers } from './search';
import type { SecretStore } from './secrets';
import { sessionHandlers } from './sessions';
import { type SettingsService, settingsHandlers } from './settings';
import { type SystemInfo, systemHandlers } from './system';
import { trashHandlers } from './trash';

export interface ServiceContext {
  store: Store;
  events: EventBus;
  secrets: SecretStore;
  info: SystemInfo;
  settings: SettingsService;
}

/** Every operation's handler, for the HTTP routes and the IPC bridge alike. */
export function createHandlers(context: ServiceContext): Handlers {
  const prediction = createPredictionService(context);
  return {
    ...systemHandlers(context.store, context.info),
    ...settingsHandlers(context.settings),
    ...flowHandlers(flowService(context)),
    testFlow: prediction.testFlow,
    ...sessionHandlers(context.store, context.events),
    continueSession: prediction.continueSession,
    ...trashHandlers(context.store, context.events),
    ...searchHandlers(context.store),
    regenerateAnswer: prediction.regenerateAnswer,
    stopAnswer: prediction.stopAnswer,
    ...modelHandlers(context),
  };
}
