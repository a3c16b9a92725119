import pino from 'pino';

/**
 * The one logger: JSON lines on stdout (pino), one object per line with `level`, `time`, `msg` and
 * whatever context the caller adds (`reqId` for anything about a request). src/start.ts sets its level
 * from LOG_LEVEL (src/config.ts). The server (dist/server.mjs) and the built app load this module
 * separately, so the instance is kept on globalThis: one logger per process.
 * `npm start`'s greeting (src/start.ts) is printed as plain text for people, not logged.
 */
const KEY = Symbol.for('open-kitchen.log');
const scope = globalThis as { [KEY]?: pino.Logger };

scope[KEY] ??= pino(
  {
    level: 'info',
    base: { pid: process.pid },
    // Errors as { type, message, stack } under `err`, as pino's serializer does for `{ err }`.
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
  },
  // Written at once, in order: the shutdown's last lines come out before the process exits.
  pino.destination({ dest: 1, sync: true }),
);

export const log: pino.Logger = scope[KEY];
