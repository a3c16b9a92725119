import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';

export type NodeContext = { req: IncomingMessage; res: ServerResponse };

/**
 * The Node request/response behind the current web Request, when our own server (src/server.ts)
 * is in front. Live streams use it to write to the socket directly instead of through web streams.
 * Kept on globalThis because the built Astro bundle and src/server.ts load separate copies of this module.
 */
const KEY = Symbol.for('open-kitchen.node-context');
const scope = globalThis as { [KEY]?: AsyncLocalStorage<NodeContext> };
scope[KEY] ??= new AsyncLocalStorage<NodeContext>();
export const nodeContext: AsyncLocalStorage<NodeContext> = scope[KEY];
