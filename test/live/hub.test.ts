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

  it('ends the streams a log entry takes the grant of, and only those, in log order', () => {
    const hub = new Hub(60_000);
    const ended: string[] = [];
    const make = (name: string, grant: Subscriber['grant'], jobId = 'job_1', since = 0) => {
      const s = subscriber(jobId, grant.via === 'staff');
      s.sub.grant = grant;
      s.sub.since = since;
      s.sub.end = (reason) => {
        ended.push(`${name}:${reason}`);
        hub.remove(s.sub);
      };
      hub.add(s.sub);
      return s;
    };
    const tracker = make('tracker', { via: 'tracker' });
    const fresh = make('fresh', { via: 'tracker' }, 'job_1', 5); // opened with the new link
    const embed = make('embed', { via: 'embed', expiresAt: Date.now() + 60_000 });
    const mine = make('mine', { via: 'staff', specialistId: 'spec_1', sessionId: 'ses_1' }, 'org:org_1');
    const myPhone = make('phone', { via: 'staff', specialistId: 'spec_1', sessionId: 'ses_2' });
    const colleague = make('colleague', { via: 'staff', specialistId: 'spec_2', sessionId: 'ses_3' });
    const access = (id: number, sessionId: string | null): EventRow => ({
      ...row(id, '', 'internal'),
      type: 'staff.access_ended',
      payload: { specialistId: 'spec_1', sessionId },
    });

    hub.publish([{ ...row(4, 'job_1', 'internal'), type: 'job.link_reissued' }]);
    expect(ended).toEqual(['tracker:link_reissued']);
    // One session signs out, then an internal event: the signed-out stream never sees it.
    hub.publish([access(6, 'ses_1'), row(7, 'job_1', 'internal')]);
    expect(ended).toEqual(['tracker:link_reissued', 'mine:signed_out']);
    expect(mine.got).toEqual([4]);
    expect(myPhone.got).toEqual([4, 7]);
    hub.publish([access(8, null), { ...row(9), type: 'job.deleted' }]);
    expect(ended.slice(2).sort()).toEqual([
      'colleague:job_deleted',
      'embed:job_deleted',
      'fresh:job_deleted',
      'phone:signed_out',
    ]);
    expect([fresh.got, embed.got, colleague.got, tracker.got]).toEqual([[], [], [4, 7], []]);
    expect(hub.size).toBe(0);
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
