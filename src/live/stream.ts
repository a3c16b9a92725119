import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { EventRow } from '../../db/schema';
import { concat, eventFrame, type Frame, retryFrame } from './frames';
import { type Subscriber, wireEvent } from './hub';
import { nodeContext } from './node-context';
import type { LogTail } from './tail';

/** A subscriber whose socket holds more than this unsent is too slow; it is dropped and reconnects. */
const MAX_BUFFERED = 1 << 20;
const RETRY_MS = 2000;
const BACKLOG_PAGE = 500;

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
};

export type OpenStream = {
  tail: LogTail;
  jobId: string;
  internal: boolean;
  /** Resume point: the client's Last-Event-ID (0 for everything). */
  lastEventId: number;
  /** Up to `limit` events after the given id that this subscriber may see, oldest first. */
  backlog: (afterId: number, limit: number) => Promise<EventRow[]>;
  headers?: Record<string, string>;
};

/**
 * Opens a live stream: backlog first, then live events from the hub, in id order, nothing twice.
 *
 * The Response goes back through Hono and Astro as usual (their headers and middleware apply). Once
 * the backlog has been written, live frames go straight to the Node socket when src/server.ts gave us
 * one: the fan-out then costs one `res.write` per subscriber, as a raw server would, and the request's
 * web objects are released, so an idle subscriber costs about what a raw one does. Without it (astro
 * dev, tests calling the app directly) frames go through the web stream.
 */
export async function openStream(options: OpenStream): Promise<Response> {
  const { tail } = options;
  const sub: Subscriber = {
    jobId: options.jobId,
    internal: options.internal,
    lastId: options.lastEventId,
    pending: [],
    write: () => {},
    slot: -1,
  };
  await tail.attach(sub);
  const backlog: EventRow[] = [];
  try {
    for (let after = options.lastEventId; ; ) {
      const page = await options.backlog(after, BACKLOG_PAGE);
      backlog.push(...page);
      if (page.length < BACKLOG_PAGE) break;
      after = page[page.length - 1]?.id ?? after;
    }
  } catch (error) {
    tail.detach(sub);
    throw error;
  }
  sub.lastId = backlog.at(-1)?.id ?? sub.lastId;
  const raw = nodeContext.getStore()?.res;
  // What listens on the response before the adapter starts writing it: the rest is the adapter's.
  const ours = raw ? new Set([...raw.listeners('close'), ...raw.listeners('finish')]) : null;

  const goLive = (write: (frame: Frame) => void) => {
    const waiting = sub.pending ?? [];
    sub.pending = null;
    sub.write = write;
    for (const { id, frame } of waiting) {
      if (id <= sub.lastId) continue;
      sub.lastId = id;
      write(frame);
    }
  };

  let first: Uint8Array | null = concat([
    retryFrame(RETRY_MS),
    ...backlog.map((e) => eventFrame(e.id, wireEvent(e))),
  ]);
  backlog.length = 0;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(first as Uint8Array);
      first = null;
      if (!raw) goLive((frame) => controller.enqueue(frame.bytes));
    },
    pull(controller) {
      if (!raw || !sub.pending) return;
      // Asked for more: the backlog chunk is on its way to the socket. Hand the socket over to the hub:
      // close this body so Astro's writer finishes and lets go of the request (a per-connection cost
      // that would triple the memory of an idle subscriber), swallowing the one end() it then calls.
      const detach = () => tail.detach(sub);
      raw.once('close', detach);
      handOver(raw, nodeContext.getStore()?.req, new Set([...(ours ?? []), detach]));
      controller.close();
      setImmediate(() => goLive(socketWriter(raw, detach)));
    },
    cancel() {
      tail.detach(sub);
    },
  });
  return new Response(body, { status: 200, headers: { ...SSE_HEADERS, ...options.headers } });
}

/**
 * Makes the next end() on this response a no-op (the stream outlives the body Astro is writing) and
 * lets go of what the adapter keeps per request. Measured in bench/: each of these is kilobytes per
 * idle subscriber.
 */
function handOver(res: ServerResponse, req: IncomingMessage | undefined, ours: Set<unknown>) {
  // The adapter's error listener on the request closes over the whole web Request; a GET stream has no
  // body left to fail, so swap it for one that only keeps a late socket error from being unhandled.
  // (Listeners are added before others are removed: an event left with none is deleted from the
  // emitter's table, and a deleted property costs the table its fast mode.)
  if (req) {
    const theirs = req.listeners('error') as (() => void)[];
    req.on('error', ignore);
    for (const listener of theirs) req.off('error', listener);
    releaseAbortWiring(req);
  }
  // Node keeps the sent header block as a rope of one string per piece (about 2 KB per connection);
  // reading it once makes V8 flatten it in place to one string of its length.
  (res as ServerResponse & { _header?: string })._header?.charCodeAt(0);
  // Its 'finish' and 'close' listeners on the response (release the abort wiring, cancel the body) hold
  // the web objects until the stream ends; both jobs are done now.
  for (const event of ['finish', 'close'] as const)
    for (const listener of res.listeners(event) as (() => void)[])
      if (!ours.has(listener)) res.off(event, listener);
  const end = res.end;
  // Reassigned rather than deleted afterwards: deleting a property drops the object into V8's slow
  // dictionary mode, which costs kilobytes per connection.
  res.end = function keepOpen(this: ServerResponse) {
    res.end = end;
    return this;
  } as ServerResponse['end'];
}

const ignore = () => {};
const ABORT_CLEANUP = Symbol.for('astro.nodeRequestAbortControllerCleanup');

/**
 * Runs the adapter's cleanup of the request's AbortController (a socket listener and closures per
 * connection). It ends by deleting its property from the request, which would drop the request into
 * V8's slow dictionary mode (1.6 KB per connection, measured); pinned first, that delete does nothing.
 */
function releaseAbortWiring(req: IncomingMessage) {
  const cleanup: unknown = Reflect.get(req, ABORT_CLEANUP);
  if (typeof cleanup !== 'function') return;
  Object.defineProperty(req, ABORT_CLEANUP, { value: cleanup, writable: true, configurable: false });
  cleanup();
  Reflect.set(req, ABORT_CLEANUP, undefined);
}

/**
 * The response's head and backlog are on the socket and nothing else writes to it any more, so each
 * frame goes straight to the socket, framed as the response is: one HTTP/1.1 chunk the hub made once
 * for everyone (`res.chunkedEncoding`), or plain bytes for an HTTP/1.0 client. Like
 * ServerResponse.write, it corks the socket so the system call happens after the loop, but one tick
 * uncorks every socket written in the loop, instead of three writes and a tick per subscriber.
 */
function socketWriter(res: ServerResponse, onDrop: () => void) {
  const socket = res.socket;
  if (!socket) return (frame: Frame) => void res.write(frame.bytes);
  const chunked = res.chunkedEncoding;
  return (frame: Frame) => {
    if (!socket.writableCorked) {
      socket.cork();
      corked.push(socket);
      if (corked.length === 1) process.nextTick(uncorkAll);
    }
    // write() says for free whether the socket is keeping up; only a reader that is not gets measured.
    if (socket.write(chunked ? frame.chunk : frame.bytes) || socket.writableLength <= MAX_BUFFERED) return;
    onDrop();
    res.destroy();
  };
}

const corked: Socket[] = [];
function uncorkAll() {
  for (const socket of corked) socket.uncork();
  corked.length = 0;
}
