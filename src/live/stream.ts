import type { ServerResponse } from 'node:http';
import type { EventRow } from '../../db/schema';
import { concat, eventFrame, retryFrame } from './frames';
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
 * one: the fan-out then costs one `res.write` per subscriber, as a raw server would. Without it (astro
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
  const first = concat([retryFrame(RETRY_MS), ...backlog.map((e) => eventFrame(e.id, wireEvent(e)))]);
  sub.lastId = backlog.at(-1)?.id ?? sub.lastId;
  const raw = nodeContext.getStore()?.res;

  const goLive = (write: (frame: Uint8Array) => void) => {
    const waiting = sub.pending ?? [];
    sub.pending = null;
    sub.write = write;
    for (const { id, frame } of waiting) {
      if (id <= sub.lastId) continue;
      sub.lastId = id;
      write(frame);
    }
  };

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(first);
      if (!raw) goLive((frame) => controller.enqueue(frame));
    },
    pull() {
      if (!raw || !sub.pending) return;
      // Asked for more: the backlog chunk is on its way to the socket. From the next turn on,
      // write live frames to the socket ourselves and leave this stream pending until close.
      setImmediate(() => goLive(socketWriter(raw, () => tail.detach(sub))));
      raw.once('close', () => tail.detach(sub));
      return new Promise<void>(() => {});
    },
    cancel() {
      tail.detach(sub);
    },
  });
  return new Response(body, { status: 200, headers: { ...SSE_HEADERS, ...options.headers } });
}

function socketWriter(res: ServerResponse, onDrop: () => void) {
  return (frame: Uint8Array) => {
    if (res.writableLength > MAX_BUFFERED) {
      onDrop();
      res.destroy();
      return;
    }
    res.write(frame);
  };
}
