import { gzipSync } from 'node:zlib';
import { child, message, now, percentile, prepareData } from './harness';

/**
 * The tracker page: server render time against a bare node:http server sending the same bytes, and
 * what the page ships — all JavaScript it loads (module imports followed) and its HTML + CSS, gzipped.
 */
const gz = (text: string | Uint8Array) => gzipSync(text, { level: 9 }).byteLength;

async function timings(url: string, requests: number) {
  const times: number[] = [];
  for (let i = 0; i < requests; i++) {
    const start = now();
    const response = await fetch(url, { headers: { 'accept-language': 'nl' } });
    await response.text();
    times.push(now() - start);
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

/** Every script the page loads: <script src> and, inside them, static `import … from "./x.js"`. */
async function javascript(origin: string, html: string) {
  const queue = [...html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map(
    (m) => new URL(m[1] ?? '', origin).href,
  );
  const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
    (m) => m[1] ?? '',
  );
  const seen = new Map<string, number>();
  while (queue.length) {
    const url = queue.shift() ?? '';
    if (seen.has(url)) continue;
    const code = await (await fetch(url)).text();
    seen.set(url, gz(code));
    for (const m of code.matchAll(/(?:import|from)\s*["']([^"']+\.js)["']/g))
      queue.push(new URL(m[1] ?? '', url).href);
  }
  const external = [...seen.values()].reduce((a, b) => a + b, 0);
  return {
    files: [...seen.keys()].map((u) => new URL(u).pathname),
    gzipBytes: external + inline.reduce((a, s) => a + gz(s), 0),
  };
}

export async function runTrackerPage(requests = 300) {
  const data = await prepareData('tracker-page');
  const server = child('bench/fanout-server.ts', ['--mode=ours'], {
    DATABASE_URL: data.url,
    BENCH_JOB_ID: data.jobId,
  });
  const { port } = await message<{ port: number }>(server, 'listening');
  const origin = `http://127.0.0.1:${port}`;
  const url = `${origin}/t/${data.token}`;
  const html = await (await fetch(url)).text();
  const css = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => m[1] ?? '');
  let cssText = '';
  for (const href of css) cssText += await (await fetch(new URL(href, origin))).text();
  const js = await javascript(origin, html);
  await timings(url, 30); // warm up
  const ours = await timings(url, requests);
  server.kill();

  const raw = child('bench/page-raw.ts');
  await message(raw, 'ready');
  raw.send({ type: 'serve', html });
  const rawPort = (await message<{ port: number }>(raw, 'listening')).port;
  await timings(`http://127.0.0.1:${rawPort}/`, 30);
  const baseline = await timings(`http://127.0.0.1:${rawPort}/`, requests);
  raw.kill();

  const result = {
    render: { ours, baseline, ratio: ours.p50 / baseline.p50 },
    javascriptGzip: js.gzipBytes,
    javascriptFiles: js.files,
    htmlCssGzip: gz(html) + (cssText ? gz(cssText) : 0),
    htmlBytes: html.length,
  };
  console.log(
    `tracker page: render p50 ${ours.p50.toFixed(2)} ms, p99 ${ours.p99.toFixed(2)} ms (static baseline p50 ${baseline.p50.toFixed(2)} ms, ×${result.render.ratio.toFixed(1)}); ` +
      `JS ${(js.gzipBytes / 1024).toFixed(1)} KB gzip in ${js.files.length} files; HTML+CSS ${(result.htmlCssGzip / 1024).toFixed(1)} KB gzip`,
  );
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) await runTrackerPage();
