/**
 * The process's lifecycle as the operations routes and the shutdown see it. On globalThis because the
 * server (dist/server.mjs, src/start.ts) and the built app (dist/server/entry.mjs, src/fetch.ts) load
 * separate copies of this module in one process (see src/live/registry.ts for the same reason).
 */
export type Lifecycle = {
  /** Set once SIGTERM/SIGINT arrives: /readyz answers 503, new streams are refused. */
  draining: boolean;
  /** Stops the timers of the background work (src/runtime.ts), registered by src/fetch.ts. */
  stopBackgroundWork: (() => void) | null;
};

const KEY = Symbol.for('open-kitchen.lifecycle');
const scope = globalThis as { [KEY]?: Lifecycle };

export const lifecycle = (): Lifecycle => {
  scope[KEY] ??= { draining: false, stopBackgroundWork: null };
  return scope[KEY];
};
