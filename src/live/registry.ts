import type { IncomingMessage } from 'node:http';
import type { EVENT_STREAM, takeOver } from './stream';

/**
 * The live stream routes as the built app registers them (src/fetch.ts) for src/http/node-server.ts: their paths,
 * Hono's `fetch` with the Node request as its environment, and the hand-over of a stream's Response.
 * On globalThis because src/http/node-server.ts and the build load separate copies of these modules; taking them
 * from the build, the server loads no second copy of the API.
 */
export type LiveStreams = {
  paths: typeof EVENT_STREAM;
  fetch: (request: Request, env: { incoming: IncomingMessage }) => Response | Promise<Response>;
  takeOver: typeof takeOver;
};

export const LIVE_STREAMS = Symbol.for('open-kitchen.live-streams');
