import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { availableParallelism } from 'node:os';
import { gzipSync } from 'node:zlib';
import { openDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { seedIfEmpty } from '../src/demo/seed';
import { child, message } from './harness';
import { wrk as wrkOnce } from './wrk';

/**
 * The tracker page (`GET /t/{token}`) of a job with a realistic history: the demo's Golf in the garage
 * (notes with a photo, eleven cost lines, one awaiting approval, a promise moved later with its reason
 * and the plan re-planned after it, a question and its answer, both languages on every step), served by
 * the product. Latency by `wrk` (a load generator not written here) asking for gzip as a browser does,
 * against bare node:http sending the same compressed bytes; sizes as the server sends them over the
 * wire (compressed where it compresses), HTML and every stylesheet and script the page loads.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/** One connection: each figure is one page's render and transfer, not a queue behind other requests. */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 1);

async function prepareHistory() {
  mkdirSync('bench/tmp', { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) rmSync(`bench/tmp/tracker-history.db${suffix}`, { force: true });
  const url = 'file:bench/tmp/tracker-history.db';
  const database = await openDatabase(url);
  await migrateDatabase(database.db);
  const report = await seedIfEmpty({ db: database.db, clock: { now: () => Date.now() } }, 'http://bench');
  database.close();
  const golf = report?.organisations.flatMap((o) => o.trackers).find((t) => t.reference === 'WO-2026-0142');
  if (!golf) throw new Error('the demo has no WO-2026-0142');
  return { url, token: golf.url.split('/t/')[1] ?? '' };
}

/** What goes over the wire for one GET: the body bytes as sent (still compressed) and the encoding. */
function sent(url: string): Promise<{ bytes: number; encoding: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { 'accept-encoding': 'gzip, deflate, br' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({
          bytes: body.byteLength,
          encoding: String(res.headers['content-encoding'] ?? 'identity'),
          body,
        });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** wrk on one URL (bench/wrk.ts), asking for gzip as a browser does. */
const wrk = (url: string) =>
  wrkOnce({ url, seconds: SECONDS, connections: CONNECTIONS, headers: { 'Accept-Encoding': 'gzip' } });

/**
 * CPU time the server process spent (user + system, from /proc) while `work` ran: on a machine shared
 * with other work, CPU per request moves far less than latency, which includes waiting for a core.
 */
function cpuMsPerRequest<T extends { requests: number }>(pid: number, work: () => T) {
  const ticks = () => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
  };
  const before = ticks();
  const result = work();
  const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return { ...result, cpuMsPerRequest: (((ticks() - before) / hz) * 1000) / Math.max(1, result.requests) };
}

export async function runTrackerHistory() {
  const data = await prepareHistory();
  const server = child('bench/fanout-server.ts', ['--mode=ours'], { DATABASE_URL: data.url });
  const { port } = await message<{ port: number }>(server, 'listening');
  const origin = `http://127.0.0.1:${port}`;
  const page = `${origin}/t/${data.token}`;
  const html = await sent(page);
  const text = (await (await fetch(page)).text()) as string;
  const assets = [
    ...[...text.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => m[1] ?? ''),
    ...[...text.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1] ?? ''),
  ];
  // Every stylesheet and script, and the modules the scripts import (what a browser fetches).
  const assetBytes: Record<string, number> = {};
  const queue = assets.map((href) => new URL(href, origin).href);
  while (queue.length) {
    const url = queue.shift() ?? '';
    const path = new URL(url).pathname;
    if (path in assetBytes) continue;
    assetBytes[path] = (await sent(url)).bytes;
    if (!path.endsWith('.js')) continue;
    const code = (await (await fetch(url)).text()) as string;
    for (const m of code.matchAll(/(?:import|from)\s*["']([^"']+\.js)["']/g))
      queue.push(new URL(m[1] ?? '', url).href);
  }
  wrk(page); // warm up, same length
  const ours = cpuMsPerRequest(server.pid ?? 0, () => wrk(page));
  server.kill();

  // The baseline sends the very bytes ours sent, compressed the same way, from a bare node:http server.
  const raw = child('bench/page-raw.ts');
  await message(raw, 'ready');
  raw.send({ type: 'serve', html: text, gzip: gzipSync(text).toString('base64') });
  const rawPort = (await message<{ port: number }>(raw, 'listening')).port;
  wrk(`http://127.0.0.1:${rawPort}/`);
  const baseline = cpuMsPerRequest(raw.pid ?? 0, () => wrk(`http://127.0.0.1:${rawPort}/`));
  raw.kill();

  const result = {
    ours,
    baseline,
    htmlSent: html.bytes,
    htmlEncoding: html.encoding,
    htmlUncompressed: Buffer.byteLength(text),
    assets: assetBytes,
    cores: availableParallelism(),
  };
  console.log(
    `tracker page with history (wrk, ${CONNECTIONS} connections, ${SECONDS} s): p50 ${ours.p50.toFixed(2)} ms, p99 ${ours.p99.toFixed(2)} ms, ${ours.rps.toFixed(0)} req/s, server CPU ${ours.cpuMsPerRequest.toFixed(2)} ms/request ` +
      `(same bytes from bare node:http: p50 ${baseline.p50.toFixed(2)} ms, p99 ${baseline.p99.toFixed(2)} ms, ${baseline.rps.toFixed(0)} req/s, CPU ${baseline.cpuMsPerRequest.toFixed(3)} ms/request); ` +
      `HTML ${html.bytes} B as sent (${html.encoding}, ${result.htmlUncompressed} B unpacked); ` +
      `assets as sent: ${Object.entries(assetBytes)
        .map(([p, b]) => `${p} ${b} B`)
        .join(', ')}`,
  );
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) await runTrackerHistory();
