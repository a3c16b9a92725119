import { now, percentile } from './harness';

/** Closed-loop HTTP load from its own process: `concurrency` workers, each sending its next request on reply. */
process.on(
  'message',
  async (m: { type: string; url: string; key: string; concurrency: number; seconds: number }) => {
    if (m.type !== 'load') return;
    const end = Date.now() + m.seconds * 1000;
    const latencies: number[] = [];
    let errors = 0;
    let n = 0;
    const worker = async () => {
      while (Date.now() < end) {
        const i = n++;
        const start = now();
        const response = await fetch(m.url, {
          method: 'PUT',
          headers: { authorization: `Bearer ${m.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            promisedAt: new Date(Date.parse('2026-12-01T10:00:00Z') + i * 1000).toISOString(),
            reason: `Nieuwe belofte ${i}`,
          }),
        });
        await response.arrayBuffer();
        if (response.status !== 200) errors++;
        latencies.push(now() - start);
      }
    };
    const started = now();
    await Promise.all(Array.from({ length: m.concurrency }, worker));
    const seconds = (now() - started) / 1000;
    process.send?.({
      type: 'loaded',
      rps: latencies.length / seconds,
      errors,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
    });
  },
);
process.send?.({ type: 'ready' });
