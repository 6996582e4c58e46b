import type { Db } from './database';
import type { WriteQueue } from './write-queue';

export function settingQueries(db: Db, writes: WriteQueue) {
  const get = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const set = db.prepare<[string, string]>(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  );
  const remove = db.prepare<[string]>('DELETE FROM settings WHERE key = ?');
  return {
    deleteSetting: (key: string): Promise<void> =>
      writes.run(() => {
        remove.run(key);
      }),
    getSetting: async (key: string): Promise<string | undefined> => get.get(key)?.value,
    setSetting: (key: string, value: string): Promise<void> =>
      writes.run(() => {
        set.run(key, value);
      }),
  };
}
