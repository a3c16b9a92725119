import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { child, message, prepareData, processCpuMs } from './harness';

/**
 * What the request body limit costs: a typical JSON write (`PUT …/promise`, ~80 bytes) through the whole
 * product, measured with wrk against the same server with the limit turned off (`BODY_LIMITS=0`).
 *
 * Both servers run side by side (each with its own database) and the wrk runs interleave, on then off
 * then off then on (ABBA), so drift in the machine's load and the databases' growth hit both alike.
 * Each round gives a ratio of two runs seconds apart; the figure is the median of those ratios, with
 * their spread. Throughput on a shared two-core machine (wrk on the same cores) moves with whatever else
 * runs, so each run also records the server's own CPU time per request (/proc/<pid>/stat), which other
 * processes disturb much less.
 *
 * One server process can be 5–10% faster than another running the same code (an A/A run, the limit on
 * in both, gave ×0.91 on a busy machine, docs/decisions/body-limit-cost.md), so the rounds are spread
 * over several pairs of fresh processes, each pair started at once.
 */
type Run = { rps: number; p99Ms: number; errors: number; cpuMsPerRequest: number };

function wrk(url: string, key: string, seconds: number, connections: number, pid: number): Run {
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
  const cpuBefore = processCpuMs(pid);
  const out = execFileSync('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '-s', script, url], {
    encoding: 'utf8',
  });
  const cpu = processCpuMs(pid) - cpuBefore;
  const [, requests, micros, p99, errors] = /JSON (\d+) (\d+) (\d+) (\d+)/.exec(out)?.map(Number) ?? [];
  return {
    rps: (requests ?? 0) / ((micros ?? 1) / 1e6),
    p99Ms: (p99 ?? 0) / 1000,
    errors: errors ?? 0,
    cpuMsPerRequest: cpu / Math.max(1, requests ?? 0),
  };
}

async function startSide(limits: boolean) {
  const data = await prepareData(`body-limit-${limits ? 'on' : 'off'}`);
  const server = child('bench/fanout-server.ts', ['--mode=ours'], {
    DATABASE_URL: data.url,
    BACKGROUND_WORK: '0',
    BODY_LIMITS: limits ? '1' : '0',
  });
  const { port } = await message<{ port: number }>(server, 'listening');
  const url = `http://127.0.0.1:${port}/api/v1/jobs/${data.jobId}/steps/${data.steps[2]}/promise`;
  return { server, pid: server.pid ?? 0, url, key: data.key };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

export async function runBodyLimit(seconds = 3, pairs = 3, roundsPerPair = 4, connections = 16) {
  const runs: { on: Run; off: Run }[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    const [on, off] = await Promise.all([startSide(true), startSide(false)]);
    try {
      // Warm-up: JIT, statement paths, the databases' first pages.
      for (const side of [on, off]) wrk(side.url, side.key, 2, connections, side.pid);
      for (let round = 0; round < roundsPerPair; round++) {
        const first = (round + pair) % 2 === 0 ? on : off;
        const second = first === on ? off : on;
        const a = wrk(first.url, first.key, seconds, connections, first.pid);
        const b = wrk(second.url, second.key, seconds, connections, second.pid);
        runs.push(first === on ? { on: a, off: b } : { on: b, off: a });
      }
    } finally {
      on.server.kill();
      off.server.kill();
    }
  }
  const rounds = runs.length;
  const ratios = runs.map((r) => r.on.rps / r.off.rps);
  const cpuRatios = runs.map((r) => r.on.cpuMsPerRequest / r.off.cpuMsPerRequest);
  const summary = (list: Run[]): Run => ({
    rps: median(list.map((r) => r.rps)),
    p99Ms: median(list.map((r) => r.p99Ms)),
    errors: list.reduce((n, r) => n + r.errors, 0),
    cpuMsPerRequest: median(list.map((r) => r.cpuMsPerRequest)),
  });
  const result = {
    on: summary(runs.map((r) => r.on)),
    off: summary(runs.map((r) => r.off)),
    ratio: median(ratios),
    spread: [Math.min(...ratios), Math.max(...ratios)] as [number, number],
    cpuRatio: median(cpuRatios),
    cpuSpread: [Math.min(...cpuRatios), Math.max(...cpuRatios)] as [number, number],
    runs,
    rounds,
    pairs,
    connections,
    seconds,
  };
  const f = (x: number) => x.toFixed(3);
  console.log(
    `body limit, medians of ${rounds} interleaved rounds of ${seconds} s over ${pairs} pairs of server processes: ` +
      `${result.on.rps.toFixed(0)} req/s (p99 ${result.on.p99Ms.toFixed(1)} ms, CPU ${result.on.cpuMsPerRequest.toFixed(2)} ms/request) with, ` +
      `${result.off.rps.toFixed(0)} req/s (p99 ${result.off.p99Ms.toFixed(1)} ms, CPU ${result.off.cpuMsPerRequest.toFixed(2)} ms/request) without; ` +
      `throughput ×${f(result.ratio)} (rounds ${f(result.spread[0])}–${f(result.spread[1])}), ` +
      `CPU per request ×${f(result.cpuRatio)} (rounds ${f(result.cpuSpread[0])}–${f(result.cpuSpread[1])}); ` +
      `errors ${result.on.errors}/${result.off.errors}`,
  );
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [seconds, pairs, rounds] = process.argv.slice(2).map(Number);
  await runBodyLimit(seconds || undefined, pairs || undefined, rounds || undefined);
}
