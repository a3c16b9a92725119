import pg from 'pg';
import { EVENTS_CHANNEL } from './dialect';

/** How long to wait before connecting again after the listening connection failed or ended. */
const RECONNECT_MS = 1000;

/**
 * One connection per process that LISTENs on the events channel and calls `wake` on every
 * notification, and once after each (re)connect, since notifications sent while it was away are lost.
 * `wake` should read the log from where it stands; a notification carries nothing else. An idle
 * process sends no queries at all.
 */
export function listenForEvents(url: string, wake: () => void): { close(): Promise<void> } {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const again = () => {
    client = undefined;
    if (!closed && !retry) retry = setTimeout(connect, RECONNECT_MS).unref();
  };

  async function connect() {
    retry = undefined;
    if (closed) return;
    const c = new pg.Client({ connectionString: url });
    client = c;
    c.on('notification', (n) => {
      if (n.channel === EVENTS_CHANNEL) wake();
    });
    c.on('error', () => {
      c.end().catch(() => {});
      if (client === c) again();
    });
    c.on('end', () => {
      if (client === c) again();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${EVENTS_CHANNEL}`);
      if (closed) await c.end();
      else wake();
    } catch {
      c.end().catch(() => {});
      if (client === c) again();
    }
  }

  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
    },
  };
}
