import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { EventRow } from '../../db/schema';
import { log } from '../log';
import { eventText, type Frame, retryFrame, revokedFrame, sendable } from './frames';
import { type Grant, type RevokedReason, type Subscriber, wireEvent } from './hub';
import { Gate } from './limits';
import type { LogTail } from './tail';

/** A subscriber whose socket holds more than this unsent is too slow; it is dropped and reconnects. */
const MAX_BUFFERED = 1 << 20;
const RETRY_MS = 2000;
/**
 * Backlog rows read and written at a time (about 100 KB of notes): what a client that stopped reading
 * can hold in this process once the kernel's socket buffers are full, and what each backlog in flight
 * allocates at once.
 */
export const BACKLOG_PAGE = 100;
/**
 * Backlog pages being read and written at once, in the whole process, however many clients resume
 * together: the rows and text in memory at any moment are this many pages. (The embedded database
 * reads synchronously, so there it changes little; a remote libSQL server's reads would otherwise all
 * be in flight at once.) The order is first come, first served, so every stream keeps moving.
 */
export const BACKLOG_READS = 4;
const pages = new Gate(BACKLOG_READS);
/**
 * Characters per socket write of a backlog page (whole frames; a larger frame goes alone). Node encodes
 * a string this short on its stack and hands it to the kernel with no allocation at all; a longer one
 * it first copies into a buffer of three bytes per character (docs/decisions/backlog-memory.md).
 */
const PIECE = 4096;
/** setTimeout's longest delay; a later expiry re-arms. */
const MAX_DELAY = 2 ** 31 - 1;

/** The paths of live event streams (tracker, widget, console): src/http/node-server.ts serves them itself. */
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
  /**
   * Checks the grant again every `everyMs` while the stream is open: what ends with no event in the log
   * (a staff session that expires by time). Null while it still holds.
   */
  watch?: { everyMs: number; check: () => Promise<RevokedReason | null> };
  /** Called once when the stream ends, however it ends (the per-token and per-address counts). */
  release?: () => void;
  headers?: Record<string, string>;
  now: number;
};

type Start = (res: ServerResponse, chunked: boolean) => void;
/** Streams whose Response body src/http/node-server.ts may take over, writing to the Node response itself. */
const handOvers = new WeakMap<ReadableStream<Uint8Array>, Start>();

/**
 * The Node writer of a live stream's Response, when the body is one: the server in front (src/http/node-server.ts)
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
 * our Node server (src/http/node-server.ts) its body is never read: the server takes it over and the stream writes
 * to the socket itself, each backlog page after the previous one has drained, then every live frame as
 * the one HTTP/1.1 chunk the hub made for everyone. An idle subscriber then costs about what a raw
 * `node:http` one does, and a client that does not read holds one page at most.
 */
export async function openStream(options: OpenStream): Promise<Response> {
  const stream = new LiveStream(options);
  try {
    await options.tail.attach(stream);
    const revoked = await options.recheck?.();
    if (revoked) stream.end(revoked);
  } catch (error) {
    stream.finish();
    throw error;
  }
  if (options.grant.via === 'embed') stream.expireAt(options.grant.expiresAt, options.now);
  if (options.watch) stream.watch(options.watch.everyMs, options.watch.check);
  const body = new ReadableStream<Uint8Array>(
    { pull: (controller) => stream.pull(controller), cancel: () => stream.finish() },
    { highWaterMark: 0 },
  );
  handOvers.set(body, (res, chunked) => stream.start(res, chunked));
  return new Response(body, { status: 200, headers: { ...SSE_HEADERS, ...options.headers } });
}

/**
 * One open stream, as the hub's subscriber. A class rather than closures: ten thousand idle ones are
 * measured against a raw server's (bench/fanout.ts), and one object with its fields is the smallest.
 */
class LiveStream implements Subscriber {
  jobId: string;
  internal: boolean;
  lastId: number;
  pending: { id: number; frame: Frame }[] | null = [];
  slot = -1;
  grant: Grant;
  since = 0;
  private tail: LogTail | null;
  private backlog: OpenStream['backlog'] | null;
  private release: (() => void) | undefined;
  private ended = false;
  private endedWith: RevokedReason | null = null;
  private timer: NodeJS.Timeout | undefined = undefined;
  /** Node mode: the response and its socket; the backlog loop's wake-up while it waits for a drain. */
  private res: ServerResponse | null = null;
  private socket: Socket | null = null;
  private chunked = false;
  private wake: (() => void) | null = null;
  /** Web stream mode. */
  private web: ReadableStreamDefaultController<Uint8Array> | null = null;

  constructor(options: OpenStream) {
    this.jobId = options.jobId;
    this.internal = options.internal;
    this.lastId = options.lastEventId;
    this.grant = options.grant;
    this.tail = options.tail;
    this.backlog = options.backlog;
    this.release = options.release;
  }

  /** Live frames (the hub's hot loop). */
  write(frame: Frame): void {
    const socket = this.socket;
    if (!socket) {
      this.web?.enqueue(frame.bytes);
      return;
    }
    // Like ServerResponse.write, cork so the system call happens after the loop, but one tick
    // uncorks every socket written in the loop, instead of three writes and a tick per subscriber.
    if (!socket.writableCorked) {
      socket.cork();
      corked.push(socket);
      if (corked.length === 1) process.nextTick(uncorkAll);
    }
    // write() says for free whether the socket is keeping up; only a reader that is not gets measured.
    if (socket.write(this.chunked ? frame.chunk : frame.bytes) || socket.writableLength <= MAX_BUFFERED)
      return;
    this.end(null);
  }

  end(reason: RevokedReason | null): void {
    if (this.ended) return;
    this.ended = true;
    this.endedWith = reason;
    const { res, web } = this;
    if (res) {
      this.wake?.();
      const socket = res.socket;
      if (reason && socket && socket.writableLength <= MAX_BUFFERED) {
        socket.write(this.frame(revokedFrame(reason)));
        res.end();
      } else res.destroy();
    } else if (web) {
      try {
        if (reason) web.enqueue(revokedFrame(reason));
        web.close();
      } catch {
        // Already cancelled by the reader.
      }
    }
    this.finish();
  }

  finish(): void {
    this.ended = true;
    const tail = this.tail;
    if (!tail) return;
    this.tail = null;
    this.backlog = null;
    clearTimeout(this.timer);
    tail.detach(this);
    this.release?.();
    this.release = undefined;
  }

  expireAt(expiresAt: number, now: number): void {
    this.timer = setTimeout(
      () => (Date.now() >= expiresAt ? this.end('expired') : this.expireAt(expiresAt, Date.now())),
      Math.min(Math.max(0, expiresAt - now), MAX_DELAY),
    ).unref();
  }

  watch(everyMs: number, check: () => Promise<RevokedReason | null>): void {
    if (this.ended) return;
    this.timer = setTimeout(async () => {
      const reason = await check().catch(() => null);
      if (reason) this.end(reason);
      else this.watch(everyMs, check);
    }, everyMs).unref();
  }

  /** On our Node server: the head is written; the rest goes straight to the socket. */
  start(res: ServerResponse, chunked: boolean): void {
    this.chunked = chunked;
    const socket = res.socket;
    if (this.ended || !socket) {
      if (this.endedWith) socket?.write(this.frame(revokedFrame(this.endedWith)));
      res.end();
      this.finish();
      return;
    }
    res.once('close', () => this.finish());
    this.res = res;
    void this.sendBacklog(socket).catch((error) => {
      log.error({ err: error }, 'live: sending a backlog failed');
      this.end(null);
    });
  }

  /**
   * Each page after the previous one has drained, so a client that stops reading holds one page here.
   * A page is written as strings of a few KB: what the kernel takes needs no memory of ours, and what it
   * does not waits as those strings. Encoding pages into Uint8Arrays (one per frame, then one for the
   * page) left them all for the garbage collector, and malloc kept the memory after it: 200 clients
   * resuming at once left the process 100 KB per client larger for good (docs/decisions/backlog-memory.md).
   */
  private async sendBacklog(socket: Socket): Promise<void> {
    const raw = (pieces: string[]) => {
      const last = pieces.length - 1;
      if (this.chunked) {
        let size = 0;
        for (const piece of pieces) size += Buffer.byteLength(piece);
        pieces[0] = `${size.toString(16)}\r\n${pieces[0]}`;
        pieces[last] = `${pieces[last]}\r\n`;
      }
      let flowing = true;
      for (const piece of pieces) flowing = socket.write(piece);
      return flowing;
    };
    let flowing = raw([`retry: ${RETRY_MS}\n\n`]);
    for (;;) {
      if (!flowing)
        await new Promise<void>((resume) => {
          const wake = () => {
            socket.off('drain', wake);
            socket.off('close', wake);
            this.wake = null;
            resume();
          };
          this.wake = wake;
          socket.on('drain', wake);
          socket.on('close', wake);
        });
      if (this.ended) return;
      const more = await this.nextPage((pieces) => {
        flowing = raw(pieces);
      });
      if (this.ended) return;
      if (!more) break;
    }
    this.socket = socket;
    this.goLive();
  }

  /** Web stream mode (Astro's pipeline, tests): a page per read, then live frames as they come. */
  async pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    if (!this.web) {
      this.web = controller;
      controller.enqueue(retryFrame(RETRY_MS));
      if (this.ended) {
        this.ended = false;
        this.end(this.endedWith);
      }
      return;
    }
    if (!this.pending) return;
    await this.nextPage((pieces) => controller.enqueue(encoder.encode(pieces.join(''))));
    if (!this.backlog && !this.ended) this.goLive();
  }

  /**
   * Reads the next page after the last id sent and hands it to `send` as text in pieces of whole frames,
   * inside the process's bound on pages in flight. False once the backlog is done (or the stream ended).
   */
  private nextPage(send: (pieces: string[]) => void): Promise<boolean> {
    return pages.run(async () => {
      const read = this.backlog;
      if (!read || this.ended) return false;
      const page = await read(this.lastId, BACKLOG_PAGE);
      if (this.ended) return false;
      if (page.length < BACKLOG_PAGE) this.backlog = null;
      if (page.length === 0) return false;
      const pieces: string[] = [];
      let piece = '';
      for (const e of page) {
        const frame = eventText(e.id, wireEvent(e));
        if (piece && piece.length + frame.length > PIECE) {
          pieces.push(piece);
          piece = '';
        }
        piece += frame;
      }
      pieces.push(piece);
      this.lastId = page[page.length - 1]?.id ?? this.lastId;
      send(pieces);
      return this.backlog !== null;
    });
  }

  /** Live frames that arrived during the backlog go first, skipping what the backlog already sent. */
  private goLive(): void {
    const waiting = this.pending ?? [];
    this.pending = null;
    for (const { id, frame } of waiting) {
      if (id <= this.lastId) continue;
      this.lastId = id;
      this.write(frame);
    }
  }

  private frame(bytes: Uint8Array): Uint8Array {
    return this.chunked ? sendable(bytes).chunk : bytes;
  }
}

const encoder = new TextEncoder();
const corked: Socket[] = [];
function uncorkAll() {
  for (const socket of corked) socket.uncork();
  corked.length = 0;
}
