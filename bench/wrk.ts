import { execFileSync, execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

/**
 * The one HTTP load generator of the benchmarks: Debian's `wrk`, a C program on its own thread, so the
 * load costs far less CPU than the server it measures (a Node `fetch` loop on the same two cores costs
 * more than a raw server and pulls every ratio toward 1). Installed with apt-get when missing, as
 * .ci/run installs Chromium. Latency percentiles come from wrk's own histogram (a Lua `done` hook).
 */
export type WrkResult = {
  rps: number;
  requests: number;
  /** Latency percentiles in milliseconds. */
  p50: number;
  p99: number;
  /** Non-2xx/3xx responses plus connect, read, write and timeout errors. */
  errors: number;
};

export type WrkOptions = {
  url: string;
  seconds: number;
  connections: number;
  method?: 'GET' | 'PUT' | 'POST';
  headers?: Record<string, string>;
  /**
   * A Lua expression for each request's body, evaluated with `n` the request's number on its thread
   * (so a write can differ per request); a plain body is `JSON.stringify(text)`-quoted by the caller.
   */
  bodyLua?: string;
  /**
   * Requests go round these paths (each with its own headers, e.g. another organisation's API key) instead
   * of the URL's path; `url` still names the server.
   */
  targets?: { path: string; headers?: Record<string, string> }[];
};

let checked = false;

/** Makes sure `wrk` is on the PATH, installing Debian's package if it is not. */
export function ensureWrk() {
  if (checked) return;
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
  } catch (error) {
    // wrk --version exits 1 after printing its version; only a missing binary throws ENOENT.
    if ((error as { code?: string }).code === 'ENOENT') {
      const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
      execSync(
        `${sudo}apt-get update -qq && DEBIAN_FRONTEND=noninteractive ${sudo}apt-get install -y -qq wrk`,
        {
          stdio: 'inherit',
        },
      );
    }
  }
  checked = true;
}

const lua = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** Runs wrk once (one thread: the other core is the server's) and returns throughput and latency. */
export function wrk(options: WrkOptions): WrkResult {
  ensureWrk();
  mkdirSync('bench/tmp', { recursive: true });
  const script = `bench/tmp/wrk-${process.pid}.lua`;
  const headers = Object.entries(options.headers ?? {})
    .map(([k, v]) => `wrk.headers[${lua(k)}] = ${lua(v)}`)
    .join('\n');
  writeFileSync(
    script,
    [
      `wrk.method = ${lua(options.method ?? 'GET')}`,
      headers,
      'local n = 0',
      options.targets
        ? [
            'local targets = {',
            ...options.targets.map((t) => {
              const h = Object.entries({ ...options.headers, ...t.headers })
                .map(([k, v]) => `[${lua(k)}] = ${lua(v)}`)
                .join(', ');
              return `  { path = ${lua(t.path)}, headers = { ${h} } },`;
            }),
            '}',
            'request = function()',
            '  n = n + 1',
            '  local t = targets[(n % #targets) + 1]',
            `  return wrk.format(nil, t.path, t.headers, ${options.bodyLua ?? 'nil'})`,
            'end',
          ].join('\n')
        : options.bodyLua
          ? `request = function()\n  n = n + 1\n  return wrk.format(nil, nil, nil, ${options.bodyLua})\nend`
          : '',
      'done = function(summary, latency, requests)',
      '  local e = summary.errors',
      '  io.write(string.format("WRK %d %d %d %d %d\\n", summary.requests, summary.duration,',
      '    latency:percentile(50), latency:percentile(99), e.status + e.connect + e.read + e.write + e.timeout))',
      'end',
    ].join('\n'),
  );
  const out = execFileSync(
    'wrk',
    [
      '-t1',
      `-c${options.connections}`,
      `-d${options.seconds}s`,
      '--timeout',
      '10s',
      '-s',
      script,
      options.url,
    ],
    { encoding: 'utf8' },
  );
  const m = /WRK (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(out);
  if (!m) throw new Error(`wrk printed no summary:\n${out}`);
  const [requests, micros, p50, p99, errors] = m.slice(1).map(Number) as number[];
  return {
    requests: requests ?? 0,
    rps: (requests ?? 0) / ((micros ?? 1) / 1e6),
    p50: (p50 ?? 0) / 1000,
    p99: (p99 ?? 0) / 1000,
    errors: errors ?? 0,
  };
}

/** Best of several rounds by throughput: the machine's noise only ever slows a round down. */
export const bestOf = <T extends { rps: number }>(rounds: T[]): T =>
  rounds.reduce((a, b) => (b.rps > a.rps ? b : a));

/** `123 req/s, p50 1.2 ms, p99 3.4 ms` */
export const show = (r: WrkResult) =>
  `${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms`;
