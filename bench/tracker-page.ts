import { type ChildProcess, execSync, fork, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { child, message, prepareData } from './harness';
import { pageWeight } from './page-weight';
import { bestOf, show, type WrkResult, wrk } from './wrk';

/**
 * The tracker page: server render time against a bare node:http server sending the same bytes, and
 * what the page weighs as sent — the HTML, every stylesheet and every script it loads (module imports,
 * static and dynamic, followed), as transfer bytes from the running server with `Accept-Encoding: br, gzip`.
 * The former figure (gzip -9 of each file's text, whatever the server sent) is kept beside it.
 */

/** The page weight alone (no timing): `npx tsx bench/tracker-page.ts --weight`. */
export async function measureTrackerWeight() {
  const data = await prepareData('tracker-page');
  const { port, proc: server } = await serveBuilt({ DATABASE_URL: data.url });
  try {
    return await pageWeight(`http://127.0.0.1:${port}/t/${data.token}`, { 'accept-language': 'nl' });
  } finally {
    server.kill();
  }
}

/**
 * Our server as production starts it, `node dist/server.mjs` on the build (like the minimal Astro page's
 * own built entry), not through tsx: tsx's loader hook would also resolve the page module Astro imports
 * on every request (~8% of a tracker page's server CPU), which no deployed server pays.
 */
async function serveBuilt(env: Record<string, string>) {
  const proc = fork('dist/server.mjs', [], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_REQUESTS: '0', SEED: 'never', ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const { url } = await message<{ url: string }>(proc, 'ready');
  return { port: Number(new URL(url).port), proc };
}

/** Builds the minimal Astro project once (bench/astro-minimal, into bench/tmp/astro-minimal). */
function buildMinimalAstro() {
  if (!existsSync('bench/tmp/astro-minimal/server/entry.mjs'))
    execSync('npx astro build --root bench/astro-minimal', { stdio: 'ignore' });
}

/** Starts a server script with env, resolves with its port once it prints its address. */
function serve(args: string[], env: Record<string, string>): Promise<{ port: number; proc: ChildProcess }> {
  const proc = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Server listening|listening/i.test(output)) resolve({ port: Number(env.PORT), proc });
    };
    proc.stdout?.on('data', seen);
    proc.stderr?.on('data', seen);
    proc.once('exit', (code) => reject(new Error(`server exited (${code}):\n${output}`)));
  });
}

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);

/**
 * Throughput of `GET /t/{token}` under wrk (no Accept-Encoding: the same uncompressed bytes from all
 * three), against a minimal Astro page sending the same HTML (same Astro, same Node adapter: what the
 * framework alone costs) and bare node:http sending it. Rounds alternate, each side keeps its best.
 */
export async function runTrackerPage(
  seconds = Number(process.env.BENCH_SECONDS ?? 4),
  rounds = Number(process.env.BENCH_ROUNDS ?? 3),
) {
  const data = await prepareData('tracker-page');
  const { port, proc: server } = await serveBuilt({ DATABASE_URL: data.url });
  const origin = `http://127.0.0.1:${port}`;
  const url = `${origin}/t/${data.token}`;
  const html = await (await fetch(url, { headers: { 'accept-language': 'nl' } })).text();
  const weight = await pageWeight(url, { 'accept-language': 'nl' });

  mkdirSync('bench/tmp', { recursive: true });
  writeFileSync('bench/tmp/tracker-page.html', html);
  buildMinimalAstro();
  const astroPort = 20_000 + (process.pid % 20_000);
  const astro = await serve(['bench/tmp/astro-minimal/server/entry.mjs'], {
    HOST: '127.0.0.1',
    PORT: String(astroPort),
    BENCH_PAGE_HTML: 'bench/tmp/tracker-page.html',
  });
  const raw = child('bench/page-raw.ts');
  await message(raw, 'ready');
  raw.send({ type: 'serve', html });
  const rawPort = (await message<{ port: number }>(raw, 'listening')).port;

  const load = (target: string, s: number) =>
    wrk({ url: target, seconds: s, connections: CONNECTIONS, headers: { 'accept-language': 'nl' } });
  const targets = { ours: url, astro: `http://127.0.0.1:${astroPort}/`, raw: `http://127.0.0.1:${rawPort}/` };
  const runs: Record<keyof typeof targets, WrkResult[]> = { ours: [], astro: [], raw: [] };
  for (const target of Object.values(targets)) load(target, 1); // warm up
  for (let round = 0; round < rounds; round++)
    for (const [side, target] of Object.entries(targets))
      runs[side as keyof typeof targets].push(load(target, seconds));
  server.kill();
  astro.proc.kill();
  raw.kill();
  const ours = bestOf(runs.ours);
  const minimalAstro = bestOf(runs.astro);
  const baseline = bestOf(runs.raw);
  // The median of the alternating rounds too: on a shared machine the best round can be one lucky one.
  const median = (side: keyof typeof runs) => {
    const sorted = runs[side].map((r) => r.rps).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? 0;
  };
  const medians = { ours: median('ours'), astro: median('astro'), raw: median('raw') };

  const result = {
    render: {
      ours,
      minimalAstro,
      baseline,
      ratio: ours.rps / minimalAstro.rps,
      medians,
      medianRatio: medians.ours / medians.astro,
      roundRatios: runs.ours.map((r, i) => r.rps / (runs.astro[i]?.rps ?? 1)),
    },
    connections: CONNECTIONS,
    javascriptSent: weight.scriptSent,
    javascriptGzip9: weight.scriptGzip9,
    javascriptFiles: weight.transfers.filter((t) => t.kind === 'script').map((t) => new URL(t.url).pathname),
    htmlCssSent: weight.htmlCssSent,
    htmlCssGzip9: weight.htmlCssGzip9,
    htmlBytes: html.length,
  };
  console.log(
    `tracker page (wrk, ${CONNECTIONS} connections): ours ${show(ours)}; minimal Astro page, same bytes ${show(minimalAstro)} (×${result.render.ratio.toFixed(3)}); ` +
      `bare node:http ${show(baseline)} (×${(ours.rps / baseline.rps).toFixed(3)}); ` +
      `medians of ${rounds} rounds: ours ${medians.ours.toFixed(0)}, minimal Astro ${medians.astro.toFixed(0)} (×${result.render.medianRatio.toFixed(3)}), raw ${medians.raw.toFixed(0)}; ` +
      `rounds ×${result.render.roundRatios.map((r) => r.toFixed(3)).join(' ×')}; ` +
      `JS ${(weight.scriptSent / 1024).toFixed(1)} KB as sent in ${result.javascriptFiles.length} files; HTML+CSS ${(weight.htmlCssSent / 1024).toFixed(1)} KB as sent`,
  );
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--weight')) {
    const weight = await measureTrackerWeight();
    for (const t of weight.transfers)
      console.log(
        `${t.kind}\t${t.sent}\t${t.decoded}\t${t.gzip9}\t${t.headers['content-encoding'] ?? '-'}\t${new URL(t.url).pathname}`,
      );
    const { transfers: _, ...totals } = weight;
    console.log(JSON.stringify(totals));
  } else await runTrackerPage();
}
