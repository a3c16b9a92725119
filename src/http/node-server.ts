import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LIVE_STREAMS, type LiveStreams } from '../live/registry';
import { answerBadUrl, decodedPath, discardUnreadBody, HARDENING } from './node-guard';
import { loadStaticFiles, serveStatic } from './static-files';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Serves the built app on a Node HTTP server of our own. Live event streams are answered here by the
 * same Hono routes (`app.fetch`, public API), so the stream can write to the Node response itself; the
 * built client files are served from memory (src/http/static-files.ts), compressed at build time; every
 * other request goes to Astro's handler (the adapter in 'middleware' mode: pages and API, no file lookups).
 */
export async function startServer(options: { host: string; port: number }): Promise<Server> {
  const entry = resolve('dist/server/entry.mjs');
  if (!existsSync(entry))
    throw new Error('No build found: run `npm run build` first (`npm start` builds for you).');
  // The adapter must not start a server of its own.
  process.env.ASTRO_NODE_AUTOSTART = 'disabled';
  const { handler } = (await import(pathToFileURL(entry).href)) as { handler: Handler };
  const streams = (globalThis as Record<symbol, LiveStreams | undefined>)[LIVE_STREAMS];
  if (!streams) throw new Error('The build registered no live stream routes: rebuild (`npm run build`).');
  const statics = loadStaticFiles(resolve('dist/client'), HARDENING);
  const server = createServer((req, res) => {
    // Astro would answer a failure with a bare text.
    const decoded = decodedPath(req.url);
    if (decoded === null) return answerBadUrl(res);
    const path = req.url?.split('?', 1)[0] ?? '';
    if (req.method === 'GET' && streams.paths.test(path)) return void serveStream(streams, req, res);
    discardUnreadBody(req, res);
    if (serveStatic(statics, decoded, req, res)) return;
    handler(req, res);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen({ port: options.port, host: options.host, backlog: 4096 }, done);
  });
  return server;
}

async function serveStream(streams: LiveStreams, req: IncomingMessage, res: ServerResponse) {
  try {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers))
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    // The routes read the path and query only; the host is not trusted for anything here.
    const url = new URL(req.url ?? '/', 'http://localhost');
    const response = await streams.fetch(new Request(url, { headers }), { incoming: req });
    // The head in one writeHead call: the response keeps no header map for the life of the stream.
    const head: string[] = [];
    for (const [name, value] of response.headers)
      if (name !== 'set-cookie' && name !== 'content-length') head.push(name, value);
    for (const cookie of response.headers.getSetCookie()) head.push('set-cookie', cookie);
    const start = streams.takeOver(response.body);
    if (!start) {
      const body = Buffer.from(await response.arrayBuffer());
      res.writeHead(response.status, [...head, 'content-length', String(body.byteLength)]);
      res.end(body);
      return;
    }
    // Chunked for HTTP/1.1 (said here, so the stream knows how to frame its writes), plain for 1.0.
    const chunked = req.httpVersionMajor === 1 && req.httpVersionMinor >= 1;
    res.writeHead(response.status, chunked ? [...head, 'transfer-encoding', 'chunked'] : head);
    res.flushHeaders();
    start(res, chunked);
  } catch (error) {
    console.error('live: serving a stream failed', error);
    if (res.headersSent) res.destroy();
    else {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'internal', message: 'internal error' }, requestId: '' }));
    }
  }
}
