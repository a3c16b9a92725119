import pg from 'pg';

/** How long to wait before connecting again after the listening connection failed or ended. */
const RECONNECT_MS = 1000;

/**
 * One connection per process that LISTENs on the channels asked for (`on`) and calls a channel's handlers
 * on every notification on it, and every handler once after each (re)connect, since notifications sent
 * while it was away are lost. A handler should act on "something may have changed" (read the log from
 * where it stands, forget what it cached); a notification carries nothing else. An idle process sends no
 * queries at all.
 */
export function listen(url: string): {
  on(channel: string, handler: () => void): void;
  close(): Promise<void>;
} {
  const handlers = new Map<string, (() => void)[]>();
  let client: pg.Client | undefined;
  let listening = false;
  let started = false;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const callAll = () => {
    for (const list of handlers.values()) for (const handler of list) handler();
  };

  const again = () => {
    client = undefined;
    listening = false;
    if (!closed && !retry) retry = setTimeout(connect, RECONNECT_MS).unref();
  };

  async function connect() {
    retry = undefined;
    if (closed) return;
    const c = new pg.Client({ connectionString: url });
    client = c;
    c.on('notification', (n) => {
      for (const handler of handlers.get(n.channel) ?? []) handler();
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
      for (const channel of handlers.keys()) await c.query(`LISTEN ${channel}`);
      if (closed) await c.end();
      else {
        listening = true;
        callAll();
      }
    } catch {
      c.end().catch(() => {});
      if (client === c) again();
    }
  }

  return {
    on(channel, handler) {
      if (!/^[a-z_]+$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
      const known = handlers.has(channel);
      handlers.set(channel, [...(handlers.get(channel) ?? []), handler]);
      if (!started) {
        started = true;
        void connect();
        return;
      }
      // Already connected: listen there too, then start the new handler from "may have changed".
      const c = client;
      if (!listening || !c) return; // the next (re)connect listens on it and calls it
      if (known) return handler();
      c.query(`LISTEN ${channel}`).then(handler, () => {
        c.end().catch(() => {});
        if (client === c) again();
      });
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
    },
  };
}
