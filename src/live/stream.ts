import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { EventRow } from '../../db/schema';
import { chunkOf, concat, eventFrame, type Frame, retryFrame, revokedFrame, sendable } from './frames';
import { type Grant, type RevokedReason, type Subscriber, wireEvent } from './hub';
import type { LogTail } from './tail';

/** A subscriber whose socket holds more than this unsent is too slow; it is dropped and reconnects. */
const MAX_BUFFERED = 1 << 20;
const RETRY_MS = 2000;
/**
 * Backlog rows read and written at a time (about 100 KB of notes): what a client that stopped reading
 * can hold in this process once the kernel's socket buffers are full, and what each backlog in flight
 * allocates at once.
 */
const BACKLOG_PAGE = 100;
/** setTimeout's longest delay; a later expiry re-arms. */
const MAX_DELAY = 2 ** 31 - 1;

/** The paths of live event streams (tracker, widget, console): src/serve.ts serves them itself. */
export const EVENT_STREAM =
  /^\/(api\/v1\/(track|widget\/jobs)\/[^/]+|console\/live(\/jobs\/[^/]+)?)\/events$/;

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
  /** What the stream was opened with: revoking it ends the stream (hub.ts), an embed token at its expiry. */
  grant: Grant;
  /**
   * Checks the grant again once the stream is in the hub, so a revocation the log tail read just before
   * cannot slip between the route's check and joining: null while it still holds.
   */
  recheck?: () => Promise<RevokedReason | null>;
  /** Called once when the stream ends, however it ends (the per-token and per-address counts). */
  release?: () => void;
  headers?: Record<string, string>;
  now: number;
};

type Start = (res: ServerResponse) => void;
/** Streams whose Response body src/serve.ts may take over, writing to the Node response itself. */
const handOvers = new WeakMap<ReadableStream<Uint8Array>, Start>();

/**
 * The Node writer of a live stream's Response, when the body is one: the server in front (src/serve.ts)
 * writes the head from the Response, then calls it with the Node response instead of reading the body.
 */
export function takeOver(body: ReadableStream<Uint8Array> | null): Start | undefined {
  if (!body) return undefined;
  const start = handOvers.get(body);
  handOvers.delete(body);
  return start;
}

/**
 * Opens a live stream: the backlog a page at a time, then live events from the hub, in id order,
 * nothing twice; it ends with `event: revoked` when its grant is taken away.
 *
 * The Response is an ordinary one (a web stream) for Astro's pipeline and tests calling the app. On
 * our Node server (src/serve.ts) its body is never read: the server takes it over and the stream writes
 * to the socket itself, each backlog page after the previous one has drained, then every live frame as
 * the one HTTP/1.1 chunk the hub made for everyone. An idle subscriber then costs about what a raw
 * `node:http` one does, and a client that does not read holds one page at most.
 */
export async function openStream(options: OpenStream): Promise<Response> {
  const { tail } = options;
  let backlog: OpenStream['backlog'] | null = options.backlog;
  let after = options.lastEventId;
  let ended = false;
  let finished = false;
  let stop: ((reason: RevokedReason | null) => void) | null = null;
  let endedWith: RevokedReason | null = null;
  let timer: NodeJS.Timeout | undefined;
  const release = options.release;

  const sub: Subscriber = {
    jobId: options.jobId,
    internal: options.internal,
    lastId: options.lastEventId,
    pending: [],
    write: () => {},
    slot: -1,
    grant: options.grant,
    since: 0,
    end(reason) {
      if (ended) return;
      ended = true;
      endedWith = reason;
      stop?.(reason);
      finish();
    },
  };
  const finish = () => {
    if (finished) return;
    finished = true;
    ended = true;
    backlog = null;
    clearTimeout(timer);
    tail.detach(sub);
    release?.();
  };
  try {
    await tail.attach(sub);
    const revoked = await options.recheck?.();
    if (revoked) sub.end(revoked);
  } catch (error) {
    finish();
    throw error;
  }
  if (options.grant.via === 'embed') {
    const { expiresAt } = options.grant;
    const arm = (now: number) => {
      timer = setTimeout(
        () => (Date.now() >= expiresAt ? sub.end('expired') : arm(Date.now())),
        Math.min(Math.max(0, expiresAt - now), MAX_DELAY),
      ).unref();
    };
    arm(options.now);
  }

  const nextPage = async (): Promise<Uint8Array[] | null> => {
    const read = backlog;
    if (!read) return null;
    const page = await read(after, BACKLOG_PAGE);
    if (ended) return null;
    if (page.length < BACKLOG_PAGE) backlog = null;
    if (page.length === 0) return null;
    after = page[page.length - 1]?.id ?? after;
    sub.lastId = after;
    return page.map((e) => eventFrame(e.id, wireEvent(e)));
  };

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

  /** On our Node server: head written by the server, the rest straight to the socket. */
  const start: Start = (res) => {
    const socket = res.socket;
    if (ended || !socket) {
      if (endedWith) socket?.write(frameFor(res, revokedFrame(endedWith)));
      res.end();
      finish();
      return;
    }
    res.once('close', finish);
    const chunked = res.getHeader('transfer-encoding') === 'chunked';
    const raw = (frames: Uint8Array[]) => socket.write(chunked ? chunkOf(frames) : concat(frames));
    let wake: (() => void) | null = null;
    stop = (reason) => {
      wake?.();
      if (reason && socket.writableLength <= MAX_BUFFERED) {
        socket.write(chunked ? sendable(revokedFrame(reason)).chunk : revokedFrame(reason));
        res.end();
      } else res.destroy();
    };
    void (async () => {
      let flowing = raw([retryFrame(RETRY_MS)]);
      for (;;) {
        if (!flowing)
          await new Promise<void>((resume) => {
            wake = () => {
              socket.off('drain', wake as () => void);
              socket.off('close', wake as () => void);
              wake = null;
              resume();
            };
            socket.on('drain', wake);
            socket.on('close', wake);
          });
        if (ended) return;
        const frames = await nextPage();
        if (ended) return;
        if (!frames) break;
        flowing = raw(frames);
      }
      goLive(socketWriter(socket, chunked, () => sub.end(null)));
    })().catch((error) => {
      console.error('live: sending a backlog failed', error);
      sub.end(null);
    });
  };

  let web: ReadableStreamDefaultController<Uint8Array> | null = null;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!web) {
          web = controller;
          controller.enqueue(retryFrame(RETRY_MS));
          stop = (reason) => {
            try {
              if (reason) controller.enqueue(revokedFrame(reason));
              controller.close();
            } catch {
              // Already cancelled by the reader.
            }
          };
          if (ended) stop(endedWith);
          return;
        }
        if (!sub.pending) return;
        const frames = await nextPage();
        if (frames) controller.enqueue(concat(frames));
        if (!backlog && !ended) goLive((frame) => controller.enqueue(frame.bytes));
      },
      cancel() {
        ended = true;
        finish();
      },
    },
    { highWaterMark: 0 },
  );
  handOvers.set(body, start);
  return new Response(body, { status: 200, headers: { ...SSE_HEADERS, ...options.headers } });
}

const frameFor = (res: ServerResponse, bytes: Uint8Array) =>
  res.getHeader('transfer-encoding') === 'chunked' ? sendable(bytes).chunk : bytes;

/**
 * Each frame goes straight to the socket, framed as the response is: one HTTP/1.1 chunk the hub made
 * once for everyone, or plain bytes for an HTTP/1.0 client. Like ServerResponse.write, it corks the
 * socket so the system call happens after the loop, but one tick uncorks every socket written in the
 * loop, instead of three writes and a tick per subscriber.
 */
function socketWriter(socket: Socket, chunked: boolean, onDrop: () => void) {
  return (frame: Frame) => {
    if (!socket.writableCorked) {
      socket.cork();
      corked.push(socket);
      if (corked.length === 1) process.nextTick(uncorkAll);
    }
    // write() says for free whether the socket is keeping up; only a reader that is not gets measured.
    if (socket.write(chunked ? frame.chunk : frame.bytes) || socket.writableLength <= MAX_BUFFERED) return;
    onDrop();
  };
}

const corked: Socket[] = [];
function uncorkAll() {
  for (const socket of corked) socket.uncork();
  corked.length = 0;
}
