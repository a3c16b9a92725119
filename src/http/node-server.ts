import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LIVE_STREAMS, type LiveStreams } from '../live/registry';
import { log } from '../log';
import { lifecycle } from './lifecycle';
import { METHODS, metrics } from './metrics';
import { answerBadUrl, decodedPath, discardUnreadBody, HARDENING } from './node-guard';
import { OPS_PATHS, serveOps } from './ops';
import { loadStaticFiles, serveStatic } from './static-files';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * What the graceful shutdown (src/http/shutdown.ts) needs from the server: how many ordinary requests
 * are still being answered, and the open live streams, to tell them to reconnect elsewhere.
 */
export type Traffic = {
  /** Requests other than live streams and the operations routes whose response has not ended. */
  inFlight: number;
  /** Resolves once `inFlight` is 0. */
  idle(): Promise<void>;
  /** Sends every open stream `frame` (an SSE event) and ends it; returns how many there were. */
  endStreams(frame: Uint8Array): number;
};

export type OurServer = Server & { traffic: Traffic };

/**
 * Serves the built app on a Node HTTP server of our own. Live event streams are answered here by the
 * same Hono routes (`app.fetch`, public API), so the stream can write to the Node response itself; the
 * built client files are served from memory (src/http/static-files.ts), compressed at build time; every
 * other request goes to Astro's handler (the adapter in 'middleware' mode: pages and API, no file lookups).
 */
export async function startServer(options: {
  host: string;
  port: number;
  metricsToken?: string | undefined;
}): Promise<OurServer> {
  const entry = resolve('dist/server/entry.mjs');
  if (!existsSync(entry))
    throw new Error('No build found: run `npm run build` first (`npm start` builds for you).');
  // The adapter must not start a server of its own.
  process.env.ASTRO_NODE_AUTOSTART = 'disabled';
  const { handler } = (await import(pathToFileURL(entry).href)) as { handler: Handler };
  const streams = (globalThis as Record<symbol, LiveStreams | undefined>)[LIVE_STREAMS];
  if (!streams) throw new Error('The build registered no live stream routes: rebuild (`npm run build`).');
  const statics = loadStaticFiles(resolve('dist/client'), HARDENING);
  const state = lifecycle();
  const m = metrics();
  const open = new Map<ServerResponse, { socket: Socket; chunked: boolean }>();
  let waiting: (() => void)[] = [];
  const traffic: Traffic = {
    inFlight: 0,
    idle: () => (traffic.inFlight === 0 ? Promise.resolve() : new Promise((done) => waiting.push(done))),
    endStreams(frame) {
      const ended = open.size;
      for (const [res, { socket, chunked }] of open) {
        open.delete(res);
        // The frame and the end of the chunked body in one write, then the connection ends (a live
        // stream's socket is written to directly: nothing may follow on it).
        socket.end(chunked ? Buffer.concat([chunkHead(frame), frame, CRLF, LAST_CHUNK]) : frame);
      }
      return ended;
    },
  };
  const finished = () => {
    traffic.inFlight--;
    if (traffic.inFlight > 0) return;
    const done = waiting;
    waiting = [];
    for (const resolve of done) resolve();
  };
  const server = createServer((req, res) => {
    // Astro would answer a failure with a bare text.
    const decoded = decodedPath(req.url);
    if (decoded === null) return answerBadUrl(res);
    const path = req.url?.split('?', 1)[0] ?? '';
    if (OPS_PATHS.has(path)) {
      discardUnreadBody(req, res);
      return serveOps(path, req, res, { metricsToken: options.metricsToken });
    }
    // Draining: connections that are still open are not kept for another request.
    if (state.draining) res.setHeader('connection', 'close');
    if (req.method === 'GET' && streams.paths.test(path)) {
      if (state.draining) return answerDraining(res);
      return void serveStream(streams, req, res, open);
    }
    traffic.inFlight++;
    res.once('close', finished);
    discardUnreadBody(req, res);
    if (serveStatic(statics, decoded, req, res)) return countStatic(m, req, res);
    handler(req, res);
  });
  server.keepAliveTimeout = 65_000;
  Object.assign(server, { traffic });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen({ port: options.port, host: options.host, backlog: 4096 }, done);
  });
  return server as OurServer;
}

const CRLF = Buffer.from('\r\n');
const LAST_CHUNK = Buffer.from('0\r\n\r\n');
const chunkHead = (frame: Uint8Array) => Buffer.from(`${frame.byteLength.toString(16)}\r\n`);

/** A new live stream while this process drains: come back in a moment (through another process). */
function answerDraining(res: ServerResponse) {
  const body = JSON.stringify({
    error: { code: 'unavailable', message: 'this server is shutting down; reconnect' },
    requestId: '',
  });
  res.writeHead(503, {
    'content-type': 'application/json',
    'retry-after': '1',
    'content-length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}

/** Built files are counted here: no Hono route answers them (src/http/metrics.ts counts the rest). */
function countStatic(m: ReturnType<typeof metrics>, req: IncomingMessage, res: ServerResponse) {
  const method = req.method && METHODS.has(req.method) ? req.method : 'OTHER';
  m.requests.inc({ method, route: 'static', status: String(res.statusCode) });
}

async function serveStream(
  streams: LiveStreams,
  req: IncomingMessage,
  res: ServerResponse,
  open: Map<ServerResponse, { socket: Socket; chunked: boolean }>,
) {
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
    if (res.socket) {
      open.set(res, { socket: res.socket, chunked });
      res.once('close', () => open.delete(res));
    }
    start(res, chunked);
  } catch (error) {
    log.error({ err: error }, 'live: serving a stream failed');
    if (res.headersSent) res.destroy();
    else {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'internal', message: 'internal error' }, requestId: '' }));
    }
  }
}
