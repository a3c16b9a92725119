import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { answerBadUrl, decodedPath, discardUnreadBody, hardenStatic, staticPaths } from './http/node-guard';
import { nodeContext } from './live/node-context';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Serves the built app (Hono pipeline, Astro pages, static files) on a Node HTTP server of our own,
 * so live streams can reach the Node response behind each request (see live/stream.ts).
 */
export async function startServer(options: { host: string; port: number }): Promise<Server> {
  const entry = resolve('dist/server/entry.mjs');
  if (!existsSync(entry))
    throw new Error('No build found: run `npm run build` first (`npm start` builds for you).');
  // The adapter must not start a server of its own.
  process.env.ASTRO_NODE_AUTOSTART = 'disabled';
  const { handler } = (await import(pathToFileURL(entry).href)) as { handler: Handler };
  const statics = staticPaths(resolve('dist/client'));
  const server = createServer((req, res) => {
    // The adapter decodes the URL the same way and would answer a failure with a bare text.
    if (decodedPath(req.url) === null) return answerBadUrl(res);
    hardenStatic(req, res, statics);
    discardUnreadBody(req, res);
    nodeContext.run({ req, res }, () => handler(req, res));
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen({ port: options.port, host: options.host, backlog: 4096 }, done);
  });
  return server;
}
