import type { MnemoBridge } from '../shared/contract';

declare global {
  interface Window {
    /** Present in the desktop app (set by the preload); absent in the web page. */
    mnemo?: MnemoBridge;
  }
}
