import { child, message, prepareData } from './harness';

/** Step posts per second through the product's API against the raw node:http + libSQL baseline. */
type Loaded = { rps: number; errors: number; p50: number; p99: number };

async function measure(mode: 'raw' | 'ours' | 'ours-api-only', seconds: number) {
  const data = await prepareData(`step-post-${mode}`);
  const env = {
    DATABASE_URL: data.url,
    BENCH_JOB_ID: data.jobId,
    ...(mode === 'ours-api-only' ? { BACKGROUND_WORK: '0' } : {}),
  };
  const server =
    mode === 'raw'
      ? child('bench/step-post-raw.ts', [], env)
      : child('bench/fanout-server.ts', ['--mode=ours'], env);
  const { port } = await message<{ port: number }>(server, 'listening');
  const load = child('bench/load.ts');
  await message(load, 'ready');
  const target = {
    url: `http://127.0.0.1:${port}/api/v1/jobs/${data.jobId}/steps/${data.steps[2]}/promise`,
    key: data.key,
    concurrency: Number(process.env.BENCH_CONCURRENCY ?? 16),
  };
  // Warm up first (JIT, statement paths, connection pool), then measure.
  load.send({ type: 'load', ...target, seconds: 2 });
  await message(load, 'loaded');
  load.send({
    type: 'load',
    url: `http://127.0.0.1:${port}/api/v1/jobs/${data.jobId}/steps/${data.steps[2]}/promise`,
    key: data.key,
    concurrency: Number(process.env.BENCH_CONCURRENCY ?? 16),
    seconds,
  });
  const result = await message<Loaded>(load, 'loaded');
  load.kill();
  server.kill();
  return result;
}

export async function runStepPost(seconds = 5) {
  // Alternate and keep each side's best round: the machine's noise only ever slows a round down.
  const raw: Loaded[] = [];
  const ours: Loaded[] = [];
  const apiOnly: Loaded[] = [];
  for (let round = 0; round < 3; round++) {
    raw.push(await measure('raw', seconds));
    ours.push(await measure('ours', seconds));
    apiOnly.push(await measure('ours-api-only', seconds));
  }
  const best = (list: Loaded[]) => list.reduce((a, b) => (b.rps > a.rps ? b : a));
  const result = { raw: best(raw), ours: best(ours), apiOnly: best(apiOnly) };
  console.log(
    `step post: ${result.ours.rps.toFixed(0)} req/s (p99 ${result.ours.p99.toFixed(1)} ms) vs raw ${result.raw.rps.toFixed(0)} req/s ` +
      `(p99 ${result.raw.p99.toFixed(1)} ms): ×${(result.ours.rps / result.raw.rps).toFixed(2)}; errors ${result.ours.errors}/${result.raw.errors}; ` +
      `without background work ${result.apiOnly.rps.toFixed(0)} req/s (×${(result.apiOnly.rps / result.raw.rps).toFixed(2)})`,
  );
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) await runStepPost();
