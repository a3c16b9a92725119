import type { Db } from '../../db/client';
import { Hub } from './hub';
import { StreamLimits } from './limits';
import { LogTail } from './tail';

export type Live = { hub: Hub; tail: LogTail; limits: StreamLimits; close(): void };

/** The process's live fan-out: one hub, one log tail, the caps on open streams. */
export function createLive(
  db: Db,
  options: { pollMs: number; heartbeatMs: number; streamsPerToken: number; streamsPerAddress: number },
): Live {
  const hub = new Hub(options.heartbeatMs);
  const tail = new LogTail(db, hub, options.pollMs);
  return {
    hub,
    tail,
    limits: new StreamLimits(options.streamsPerToken, options.streamsPerAddress),
    close() {
      tail.stop();
      hub.close();
    },
  };
}
