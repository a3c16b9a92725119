import { eq } from 'drizzle-orm';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { sessions, users } from '../../db/schema';
import { signedUpAdmin } from '../console-client';
import { eventually } from '../helpers';
import { startProduct } from '../server';

/**
 * A staff session that ends by time writes nothing to the log, yet an open console stream must end
 * with it: the stream looks at its session every heartbeat (1 s here).
 */
let product: Awaited<ReturnType<typeof startProduct>>;

beforeAll(async () => {
  product = await startProduct({ LIVE_HEARTBEAT_MS: '1000' });
});

async function open(path: string, cookie: string) {
  const response = await fetch(`${product.url}${path}`, { headers: { cookie } });
  const stream = { status: response.status, events: [] as EventSourceMessage[], ended: false };
  const parser = createParser({ onEvent: (e) => stream.events.push(e) });
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  void (async () => {
    for (;;) {
      const { done, value } = (await reader?.read().catch(() => null)) ?? { done: true, value: undefined };
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
    stream.ended = true;
  })();
  return stream;
}

describe('a staff session that expires', () => {
  it('ends its open console streams with `expired`, and they cannot come back', async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Garage Verloopt');
    const cookie = [...admin.client.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const board = await open('/console/live/events', cookie);
    expect(board.status).toBe(200);
    // Time runs out for the session (as 14 days without use would): nothing is written to the log.
    const [user] = await product.rt.database.db.select().from(users).where(eq(users.email, admin.email));
    await product.rt.database.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.userId, user?.id ?? ''));
    await eventually(() => board.ended);
    const last = board.events.at(-1);
    expect(last?.event).toBe('revoked');
    expect(JSON.parse(last?.data ?? '{}')).toMatchObject({ reason: 'expired' });
    expect((await open('/console/live/events', cookie)).status).toBe(401);
  });
});
