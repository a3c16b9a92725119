/**
 * The last frame of a stream whose server is shutting down: a named event (so `onmessage` never sees
 * it) telling the client to come back, and a `retry:` hint for how long EventSource waits before it
 * reconnects, with `Last-Event-ID`, through the load balancer to another process. The wait is spread
 * (base to twice the base) so thousands of clients do not all arrive at once.
 */
export function reconnectFrame(retryMs: number, random: () => number = Math.random): Uint8Array {
  const retry = Math.round(retryMs * (1 + random()));
  return new TextEncoder().encode(`event: reconnect\ndata: {"reason":"shutting_down"}\nretry: ${retry}\n\n`);
}
