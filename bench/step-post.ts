import { child, message, prepareData } from './harness';
import { bestOf, show, type WrkResult, wrk } from './wrk';

/**
 * The API's throughput under `wrk` (bench/wrk.ts): step posts (`PUT …/steps/{id}/promise`, each a
 * later promise with its reason, so every request re-plans the later steps) and `GET /api/v1/jobs/{id}`,
 * through the product against bare node:http + @libsql/client doing the same work with the same
 * durability (step-post-raw.ts). Rounds alternate; each side keeps its best round.
 */
type Side = 'raw' | 'ours' | 'ours-api-only';
const CONNECTIONS = Number(process.env.BENCH_CONCURRENCY ?? 16);
const BASE = Date.parse('2026-12-01T10:00:00Z') / 1000;

async function measure(mode: Side, seconds: number, synchronous: string) {
  const data = await prepareData(`step-post-${mode}`);
  const env = {
    DATABASE_URL: data.url,
    BENCH_JOB_ID: data.jobId,
    BENCH_SYNCHRONOUS: synchronous,
    DATABASE_SYNCHRONOUS: synchronous,
    ...(mode === 'ours-api-only' ? { BACKGROUND_WORK: '0' } : {}),
  };
  const server =
    mode === 'raw'
      ? child('bench/step-post-raw.ts', [], env)
      : child('bench/fanout-server.ts', ['--mode=ours'], env);
  try {
    const { port } = await message<{ port: number }>(server, 'listening');
    const origin = `http://127.0.0.1:${port}`;
    const auth = { authorization: `Bearer ${data.key}` };
    const post = (s: number) =>
      wrk({
        url: `${origin}/api/v1/jobs/${data.jobId}/steps/${data.steps[2]}/promise`,
        seconds: s,
        connections: CONNECTIONS,
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/json' },
        // A later promise each time (with the reason a later promise needs), so each one moves.
        bodyLua: `'{"promisedAt":"' .. os.date("!%Y-%m-%dT%H:%M:%SZ", ${BASE} + n * 60) .. '","reason":"Nieuwe belofte ' .. n .. '"}'`,
      });
    const get = (s: number) =>
      wrk({
        url: `${origin}/api/v1/jobs/${data.jobId}`,
        seconds: s,
        connections: CONNECTIONS,
        headers: auth,
      });
    post(1); // warm-up: JIT, statement paths
    get(1);
    return { post: post(seconds), get: get(seconds) };
  } finally {
    server.kill();
  }
}

export async function runStepPost(
  seconds = 5,
  rounds = 3,
  synchronous = process.env.DATABASE_SYNCHRONOUS ?? 'FULL',
) {
  const sides: Side[] = ['raw', 'ours', 'ours-api-only'];
  const runs: Record<Side, { post: WrkResult; get: WrkResult }[]> = {
    raw: [],
    ours: [],
    'ours-api-only': [],
  };
  for (let round = 0; round < rounds; round++)
    for (const side of sides) runs[side].push(await measure(side, seconds, synchronous));
  const pick = (side: Side) => ({
    post: bestOf(runs[side].map((r) => r.post)),
    get: bestOf(runs[side].map((r) => r.get)),
  });
  const raw = pick('raw');
  const ours = pick('ours');
  const apiOnly = pick('ours-api-only');
  const x = (a: WrkResult, b: WrkResult) => `×${(a.rps / b.rps).toFixed(2)}`;
  console.log(
    `step post (wrk, ${CONNECTIONS} connections, synchronous=${synchronous}): ours ${show(ours.post)} vs raw ${show(raw.post)}: ${x(ours.post, raw.post)}; ` +
      `without background work ${show(apiOnly.post)} (${x(apiOnly.post, raw.post)}); errors ${ours.post.errors}/${raw.post.errors}`,
  );
  console.log(
    `GET job (wrk, ${CONNECTIONS} connections): ours ${show(ours.get)} vs raw ${show(raw.get)}: ${x(ours.get, raw.get)}; ` +
      `without background work ${show(apiOnly.get)} (${x(apiOnly.get, raw.get)})`,
  );
  return {
    raw: raw.post,
    ours: ours.post,
    apiOnly: apiOnly.post,
    get: { raw: raw.get, ours: ours.get, apiOnly: apiOnly.get },
    synchronous,
    connections: CONNECTIONS,
    rounds: runs,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [seconds, rounds] = process.argv.slice(2).map(Number);
  await runStepPost(seconds || undefined, rounds || undefined);
}
