import { createParser, type EventSourceMessage } from 'eventsource-parser';

export type Sse = {
  events: (EventSourceMessage & { json: { type: string; [k: string]: unknown } })[];
  comments: string[];
  retry: number | null;
  /** Resolves when `predicate` holds for what was received. No limit of its own: the test's timeout is the guard. */
  until(predicate: (s: Sse) => boolean): Promise<void>;
  close(): void;
};

/** Reads a Server-Sent Events body as a stream, parsed with eventsource-parser (never by hand). */
export function readSse(body: ReadableStream<Uint8Array>, abort?: () => void): Sse {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const waiters = new Set<() => void>();
  const sse: Sse = {
    events: [],
    comments: [],
    retry: null,
    until(predicate) {
      if (predicate(sse)) return Promise.resolve();
      return new Promise((resolve) => {
        const check = () => {
          if (!predicate(sse)) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
    close() {
      abort?.();
      reader.cancel().catch(() => {});
    },
  };
  const parser = createParser({
    onEvent: (e) => sse.events.push({ ...e, json: JSON.parse(e.data) }),
    onComment: (c) => sse.comments.push(c),
    onRetry: (r) => {
      sse.retry = r;
    },
  });
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      parser.feed(decoder.decode(value, { stream: true }));
      for (const w of [...waiters]) w();
    }
  })();
  return sse;
}
