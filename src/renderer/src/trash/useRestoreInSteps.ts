import { useState } from 'react';
import type { MnemoApi } from '../../../shared/contract';

/** Conversations restored per call: small enough that progress moves, large enough to be quick. */
export const RESTORE_STEP = 250;

export interface RestoreProgress {
  done: number;
  total: number;
}

/**
 * Restores many conversations in steps of RESTORE_STEP, each one call and one write, with
 * progress after each: the whole trash (or one flow's part) through restoreTrashMatching,
 * or chosen ids through restoreTrash. Resolves to how many were restored.
 */
export function useRestoreInSteps(api: MnemoApi) {
  const [progress, setProgress] = useState<RestoreProgress>();

  const all = async (flowId: string | undefined): Promise<number> => {
    let done = 0;
    try {
      for (;;) {
        const step = await api.restoreTrashMatching({ flowId, limit: RESTORE_STEP });
        done += step.count;
        setProgress({ done, total: done + step.remaining });
        if (step.remaining === 0 || step.count === 0) return done;
      }
    } finally {
      setProgress(undefined);
    }
  };

  const ids = async (trashIds: number[]): Promise<number> => {
    let done = 0;
    let restored = 0;
    setProgress({ done, total: trashIds.length });
    try {
      for (let i = 0; i < trashIds.length; i += RESTORE_STEP) {
        const chunk = trashIds.slice(i, i + RESTORE_STEP);
        restored += (await api.restoreTrash({ ids: chunk })).count;
        done += chunk.length;
        setProgress({ done, total: trashIds.length });
      }
      return restored;
    } finally {
      setProgress(undefined);
    }
  };

  return { progress, all, ids };
}
