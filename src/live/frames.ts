/**
 * Server-Sent Events framing, by hand: the fan-out budget needs one pre-encoded buffer per event
 * written to every subscriber, which no SSE helper gives us. Kept to what the spec needs.
 */
const encoder = new TextEncoder();

/** Unnamed events (the type is in the data), so one `onmessage` handler sees them all. */
export function eventFrame(id: number, data: unknown): Uint8Array {
  return encoder.encode(eventText(id, data));
}

/** The same frame as text (backlog pages are written as one string each, stream.ts). */
export function eventText(id: number, data: unknown): string {
  // JSON never contains a raw newline, so the data fits on one `data:` line.
  return `id: ${id}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * A frame as the hub sends it: its bytes, and the same bytes as one HTTP/1.1 chunk, both made once
 * per event for every subscriber. A live stream writes the chunk straight to its socket (stream.ts).
 */
export type Frame = { bytes: Uint8Array; chunk: Uint8Array };

const CRLF = encoder.encode('\r\n');

export function sendable(bytes: Uint8Array): Frame {
  return { bytes, chunk: concat([encoder.encode(`${bytes.byteLength.toString(16)}\r\n`), bytes, CRLF]) };
}

/** A comment line: ignored by EventSource, but keeps proxies from closing an idle stream. */
export const HEARTBEAT = sendable(encoder.encode(': heartbeat\n\n'));

/** The last frame of a stream whose grant was taken away: a named event, so `onmessage` never sees it. */
export const revokedFrame = (reason: string) =>
  encoder.encode(`event: revoked\ndata: ${JSON.stringify({ reason })}\n\n`);

export const retryFrame = (ms: number) => encoder.encode(`retry: ${ms}\n\n`);

/** Several frames as one HTTP/1.1 chunk, in one allocation (a backlog page). */
export function chunkOf(frames: Uint8Array[]): Uint8Array {
  const size = frames.reduce((n, f) => n + f.byteLength, 0);
  return concat([encoder.encode(`${size.toString(16)}\r\n`), ...frames, CRLF]);
}

export function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}
