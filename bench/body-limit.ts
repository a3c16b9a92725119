import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { child, message, prepareData } from './harness';

/**
 * What the request body limit costs: a typical JSON write (`PUT …/promise`, ~80 bytes) through the whole
 * product, measured with wrk against the same server with the limit turned off (`BODY_LIMITS=0`).
 * Rounds alternate and each side keeps its best: the machine's noise only ever slows a round down.
 */
type Round = { rps: number; p99Ms: number; errors: number };

function wrk(url: string, key: string, seconds: number, connections: number): Round {
  const script = 'bench/tmp/body-limit.lua';
  const body = JSON.stringify({ promisedAt: '2026-12-24T10:00:00Z', reason: 'Onderdeel komt morgen' });
  writeFileSync(
    script,
    `wrk.method = "PUT"\nwrk.body = '${body}'\nwrk.headers["content-type"] = "application/json"\n` +
      `wrk.headers["authorization"] = "Bearer ${key}"\n` +
      'done = function(summary, latency, requests)\n' +
      '  io.write(string.format("JSON %d %d %d %d\\n", summary.requests, summary.duration, latency:percentile(99), summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))\n' +
      'end\n',
  );
  const out = execFileSync('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '-s', script, url], {
    encoding: 'utf8',
  });
  const [, requests, micros, p99, errors] = /JSON (\d+) (\d+) (\d+) (\d+)/.exec(out)?.map(Number) ?? [];
  return { rps: (requests ?? 0) / ((micros ?? 1) / 1e6), p99Ms: (p99 ?? 0) / 1000, errors: errors ?? 0 };
}

async function measure(limits: boolean, seconds: number, connections: number): Promise<Round> {
  const data = await prepareData(`body-limit-${limits ? 'on' : 'off'}`);
  const server = child('bench/fanout-server.ts', ['--mode=ours'], {
    DATABASE_URL: data.url,
    BACKGROUND_WORK: '0',
    BODY_LIMITS: limits ? '1' : '0',
  });
  try {
    const { port } = await message<{ port: number }>(server, 'listening');
    const url = `http://127.0.0.1:${port}/api/v1/jobs/${data.jobId}/steps/${data.steps[2]}/promise`;
    wrk(url, data.key, 1, connections); // warm-up: JIT, statement paths
    return wrk(url, data.key, seconds, connections);
  } finally {
    server.kill();
  }
}

export async function runBodyLimit(seconds = 4, rounds = 3, connections = 16) {
  const on: Round[] = [];
  const off: Round[] = [];
  for (let round = 0; round < rounds; round++) {
    off.push(await measure(false, seconds, connections));
    on.push(await measure(true, seconds, connections));
  }
  const best = (list: Round[]) => list.reduce((a, b) => (b.rps > a.rps ? b : a));
  const result = { on: best(on), off: best(off), rounds: { on, off }, connections, seconds };
  console.log(
    `body limit: ${result.on.rps.toFixed(0)} req/s (p99 ${result.on.p99Ms.toFixed(1)} ms) with, ` +
      `${result.off.rps.toFixed(0)} req/s (p99 ${result.off.p99Ms.toFixed(1)} ms) without: ×${(result.on.rps / result.off.rps).toFixed(3)}; ` +
      `errors ${result.on.errors}/${result.off.errors}`,
  );
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [seconds, rounds] = process.argv.slice(2).map(Number);
  await runBodyLimit(seconds || undefined, rounds || undefined);
}
