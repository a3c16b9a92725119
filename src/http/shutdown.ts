import type { Config } from '../config';
import { reconnectFrame } from '../live/drain';
import { log } from '../log';
import type { Runtime } from '../runtime';
import { lifecycle } from './lifecycle';
import type { OurServer } from './node-server';

const RUNTIME = Symbol.for('open-kitchen.runtime');

/**
 * Graceful shutdown (SIGTERM/SIGINT), in this order:
 *  1. draining: /readyz answers 503, new live streams are refused (503, Retry-After);
 *  2. after SHUTDOWN_READY_DELAY_MS (time for a load balancer to see it), stop accepting connections;
 *  3. background work stops taking new rounds; the live log tail stops;
 *  4. every open stream gets `event: reconnect` with a `retry:` hint and is ended, so EventSource
 *     comes back with Last-Event-ID through the load balancer to another process;
 *  5. requests still being answered (writes in flight) finish and are answered;
 *  6. the database is closed; exit 0.
 * If it all takes longer than SHUTDOWN_TIMEOUT_MS the process exits 1 with what is left cut off.
 * A second signal while draining changes nothing (the deadline still holds).
 */
export function shutDownOn(server: OurServer, config: Config): void {
  let started = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      if (started) return;
      started = true;
      void shutDown(server, config, signal);
    });
}

async function shutDown(server: OurServer, config: Config, signal: string) {
  const { timeoutMs, readyDelayMs, reconnectMs } = config.shutdown;
  const began = Date.now();
  const deadline = setTimeout(() => {
    log.error({ inFlight: server.traffic.inFlight, timeoutMs }, 'shutdown: deadline passed, exiting');
    server.closeAllConnections();
    process.exit(1);
  }, timeoutMs);
  const state = lifecycle();
  state.draining = true;
  log.info({ signal, readyDelayMs, timeoutMs }, 'shutdown: draining');
  try {
    if (readyDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, readyDelayMs));
    server.close();
    const rt = await (globalThis as { [RUNTIME]?: Promise<Runtime> })[RUNTIME];
    state.stopBackgroundWork?.();
    rt?.live.tail.stop();
    const streams = server.traffic.endStreams(reconnectFrame(reconnectMs));
    const inFlight = server.traffic.inFlight;
    await server.traffic.idle();
    server.closeIdleConnections();
    if (rt) {
      rt.live.close();
      rt.push.sender.close();
      rt.mail.transport?.close();
      await rt.database.close();
    }
    clearTimeout(deadline);
    log.info({ streams, inFlight, ms: Date.now() - began }, 'shutdown: done');
    process.exit(0);
  } catch (error) {
    log.error({ err: error }, 'shutdown: failed');
    process.exit(1);
  }
}
