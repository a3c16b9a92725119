import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Several app processes behind HAProxy, for test/scale-out/scale-out.test.ts and bench/scale-out.ts:
 * `node dist/server.mjs` (the production start) on one database, and Debian's `haproxy` running
 * ops/haproxy.cfg — the file the README tells operators to use — with the processes' addresses.
 */

/** HAProxy's binary: on the PATH or where Debian puts it; null when it is not installed. */
export function findHaproxy(): string | null {
  for (const candidate of ['haproxy', '/usr/sbin/haproxy', '/usr/local/sbin/haproxy']) {
    try {
      execFileSync(candidate, ['-v'], { stdio: 'ignore' });
      return candidate;
    } catch {}
  }
  return null;
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Runs a command with the open-file limit raised to the hard limit first (a thousand streams hold two
 * thousand sockets in HAProxy), stdin a pipe (test/exit-with-parent.mjs watches it), stdout collected.
 */
export function spawnRaised(command: string, args: string[], env: Record<string, string>, ipc = false) {
  const quoted = [command, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('sh', ['-c', `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec ${quoted}`], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe', ...(ipc ? (['ipc'] as const) : [])],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return { child, output: () => output };
}

export type App = { url: string; child: ChildProcess; output: () => string };

/** `node dist/server.mjs` on a free port; resolves when it says it listens, rejects if it exits first. */
export async function startApp(env: Record<string, string>): Promise<App> {
  if (!existsSync('dist/server.mjs'))
    throw new Error('No dist/server.mjs: run `npm run build` (npm test builds first).');
  const { child, output } = spawnRaised(
    process.execPath,
    ['--import', './test/exit-with-parent.mjs', 'dist/server.mjs'],
    {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_REQUESTS: '0',
      SEED: 'never',
      ...env,
    },
    true,
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.on('message', (m: { type?: string; url?: string }) => {
      if (m.type === 'ready' && m.url) resolve(m.url);
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`server exited (${signal ?? code}) before it listened:\n${output()}`)),
    );
  });
  child.disconnect();
  return { url, child, output };
}

/**
 * HAProxy in the foreground on ops/haproxy.cfg, in front of up to three apps; resolves when it answers.
 * `roundRobin`: the file with its request backend's tenant affinity (the hash of a write's API key)
 * replaced by plain round robin, as it was before docs/decisions/tenant-affinity.md — for the benchmark's
 * comparison.
 */
export async function startHaproxy(binary: string, apps: { url: string }[], { roundRobin = false } = {}) {
  const port = await freePort();
  const hostPort = (url: string) => new URL(url).host;
  const env: Record<string, string> = { OK_BIND: `127.0.0.1:${port}` };
  for (const [i, app] of apps.entries()) env[`OK_APP${i + 1}`] = hostPort(app.url);
  // Fewer than three processes: the same file without the server lines of the missing ones.
  let config = 'ops/haproxy.cfg';
  if (apps.length < 3 || roundRobin) {
    config = join(tmpdir(), `ok-haproxy-${process.pid}-${apps.length}${roundRobin ? '-rr' : ''}.cfg`);
    let lines = readFileSync('ops/haproxy.cfg', 'utf8').split('\n');
    const wanted = (line: string) => {
      const server = /^\s*server app(\d+)\s/.exec(line);
      return !server || Number(server[1]) <= apps.length;
    };
    lines = lines.filter(wanted);
    if (roundRobin) {
      const affinity = (line: string) => /^\s*(http-request set-var\(txn\.affinity\)|hash-type )/.test(line);
      const hashed = lines.findIndex((line) => /^\s*balance hash var\(txn\.affinity\)/.test(line));
      if (hashed < 0) throw new Error('ops/haproxy.cfg: no `balance hash var(txn.affinity)` to replace');
      lines[hashed] = '    balance roundrobin';
      lines = lines.filter((line) => !affinity(line));
    }
    writeFileSync(config, lines.join('\n'));
  }
  const proxy = spawnRaised(binary, ['-db', '-f', config], env);
  const origin = `http://127.0.0.1:${port}`;
  for (;;) {
    if (proxy.child.exitCode !== null) throw new Error(`haproxy exited:\n${proxy.output()}`);
    const ok = await fetch(`${origin}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    origin,
    child: proxy.child,
    output: proxy.output,
    stop: async () => {
      if (proxy.child.exitCode !== null) return;
      const exited = new Promise((resolve) => proxy.child.once('exit', resolve));
      proxy.child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Stops an app (SIGTERM, its drain) and waits for it to exit; a killed one is already gone. */
export async function stopApp(app: App) {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  const exited = new Promise((resolve) => app.child.once('exit', resolve));
  app.child.kill('SIGTERM');
  await exited;
}

/** Sums a Prometheus counter or gauge over the series whose labels contain every fragment given. */
export async function metric(appUrl: string, name: string, ...fragments: string[]): Promise<number> {
  const text = await (await fetch(`${appUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (fragments.every((f) => line.includes(f))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}
