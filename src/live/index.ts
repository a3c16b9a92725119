import type { Db } from '../../db/client';
import { Hub } from './hub';
import { LogTail } from './tail';

export type Live = { hub: Hub; tail: LogTail; close(): void };

/** The process's live fan-out: one hub, one log tail. */
export function createLive(db: Db, options: { pollMs: number; heartbeatMs: number }): Live {
  const hub = new Hub(options.heartbeatMs);
  const tail = new LogTail(db, hub, options.pollMs);
  return {
    hub,
    tail,
    close() {
      tail.stop();
      hub.close();
    },
  };
}
