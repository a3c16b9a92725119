import { describe, expect, it } from 'vitest';
import type { EventRow } from '../../db/schema';
import { eventFrame, HEARTBEAT, sendable } from '../../src/live/frames';
import { Hub, type Subscriber } from '../../src/live/hub';

const row = (id: number, jobId = 'job_1', visibility: 'customer' | 'internal' = 'customer'): EventRow => ({
  id,
  organisationId: 'org_1',
  jobId,
  stepId: null,
  type: 'step.started',
  visibility,
  actorType: 'system',
  actorId: null,
  payload: {},
  createdAt: 0,
});

function subscriber(jobId = 'job_1', internal = false) {
  const got: number[] = [];
  const sub: Subscriber = {
    jobId,
    internal,
    lastId: 0,
    pending: null,
    slot: -1,
    grant: { via: 'tracker' },
    since: 0,
    end: () => {},
    write: (frame) => got.push(Number(/^id: (\d+)/.exec(new TextDecoder().decode(frame.bytes))?.[1])),
  };
  return { sub, got };
}

describe('the hub', () => {
  it('writes each event once to every subscriber of its job, skipping what they have and what they may not see', () => {
    const hub = new Hub(60_000);
    const [a, b, c, other, staff] = [
      subscriber(),
      subscriber(),
      subscriber(),
      subscriber('job_2'),
      subscriber('job_1', true),
    ];
    for (const s of [a, b, c, other, staff]) hub.add(s.sub);
    b.sub.lastId = 2;
    hub.publish([row(1), row(2), row(3), row(4, 'job_1', 'internal')]);
    expect(a.got).toEqual([1, 2, 3]);
    expect(b.got).toEqual([3]);
    expect(staff.got).toEqual([1, 2, 3, 4]);
    expect(other.got).toEqual([]);
    hub.close();
  });

  it('removes from the middle and the end, and survives a subscriber dropped during a write', () => {
    const hub = new Hub(60_000);
    const subs = Array.from({ length: 5 }, () => subscriber());
    for (const s of subs) hub.add(s.sub);
    hub.remove(subs[2]!.sub);
    hub.remove(subs[2]!.sub); // twice is harmless
    hub.remove(subs[4]!.sub);
    expect(hub.size).toBe(3);
    // The first subscriber is too slow: its write drops it, while the loop is running.
    const slow = subs[0]!;
    slow.sub.write = () => hub.remove(slow.sub);
    hub.publish([row(7)]);
    hub.publish([row(8)]);
    expect([subs[1]!.got, subs[3]!.got]).toEqual([
      [7, 8],
      [7, 8],
    ]);
    expect(subs[2]!.got).toEqual([]);
    expect(hub.size).toBe(2);
    for (const s of [subs[1]!, subs[3]!]) hub.remove(s.sub);
    expect(hub.size).toBe(0);
    hub.publish([row(9)]);
    expect(subs[1]!.got).toEqual([7, 8]);
  });

  it('frames each event once as an HTTP/1.1 chunk for the sockets, multi-byte text included', () => {
    const bytes = eventFrame(7, { title: 'Remschijven vervangen – klaar' });
    const text = new TextDecoder().decode(bytes);
    const { chunk } = sendable(bytes);
    expect(new TextDecoder().decode(chunk)).toBe(`${bytes.byteLength.toString(16)}\r\n${text}\r\n`);
    expect(bytes.byteLength).toBeGreaterThan(text.length);
    expect(new TextDecoder().decode(HEARTBEAT.chunk)).toBe('d\r\n: heartbeat\n\n\r\n');
  });
});
