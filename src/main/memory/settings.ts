import type { Handlers } from '../../shared/contract';
import { Settings } from '../../shared/schemas/flows';
import { HttpError } from '../http/errors';
import type { Store } from '../store';

const CORS_KEY = 'corsOrigins';

/**
 * Settings kept in the database. The CORS allowlist is read on every request with an
 * Origin, so it is held in memory and replaced on update: a change applies at once.
 */
export class SettingsService {
  private stored: Settings = { corsOrigins: [] };
  private allowed: readonly string[];

  private constructor(
    private readonly store: Store,
    private readonly envOrigins: readonly string[],
  ) {
    this.allowed = envOrigins;
  }

  static async load(store: Store, envOrigins: readonly string[]): Promise<SettingsService> {
    const service = new SettingsService(store, envOrigins);
    await service.reload();
    return service;
  }

  /** Reads the stored settings again (another process sharing the store may have changed them). */
  async reload(): Promise<void> {
    const raw = await this.store.getSetting(CORS_KEY);
    const parsed = Settings.shape.corsOrigins.safeParse(raw === undefined ? [] : safeJson(raw));
    this.apply({ corsOrigins: parsed.success ? parsed.data : [] });
  }

  current(): Settings {
    return this.stored;
  }

  /** Origins that get CORS grants now: MNEMO_CORS_ORIGINS and the stored allowlist. */
  allowedOrigins(): readonly string[] {
    return this.allowed;
  }

  async update(next: Settings): Promise<Settings> {
    const corsOrigins = [...new Set(next.corsOrigins.map(toOrigin))];
    await this.store.setSetting(CORS_KEY, JSON.stringify(corsOrigins));
    this.apply({ corsOrigins });
    return this.stored;
  }

  private apply(settings: Settings): void {
    this.stored = settings;
    this.allowed = [...new Set([...this.envOrigins, ...settings.corsOrigins])];
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return [];
  }
}

/** What a browser sends as Origin: scheme, host and port, nothing after. */
function toOrigin(text: string, index: number): string {
  const url = new URL(text);
  const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
  if (!/^https?:$/.test(url.protocol) || !bare) {
    throw new HttpError(
      400,
      `body field "corsOrigins.${index}": must be an origin such as https://app.example or http://localhost:3000 (scheme, host, port; no path)`,
    );
  }
  return url.origin;
}

export function settingsHandlers(
  settings: SettingsService,
): Pick<Handlers, 'getSettings' | 'updateSettings'> {
  return {
    getSettings: async () => settings.current(),
    updateSettings: async (input) => settings.update({ corsOrigins: input.corsOrigins }),
  };
}

/** How often a process sharing a PostgreSQL store rereads the settings another may have changed. */
export const SHARED_SETTINGS_POLL_MS = 1_000;

/** Rereads the settings every SHARED_SETTINGS_POLL_MS until stop() (a failed read is tried at the next tick). */
export function followSharedSettings(settings: SettingsService, intervalMs = SHARED_SETTINGS_POLL_MS) {
  let reading: Promise<void> | undefined;
  const timer = setInterval(() => {
    reading ??= settings
      .reload()
      .catch(() => {})
      .finally(() => {
        reading = undefined;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop(): Promise<void> {
      clearInterval(timer);
      await reading;
    },
  };
}
