import { child, message, now, percentile, prepareData } from './harness';
import { pageWeight } from './page-weight';

/**
 * The tracker page: server render time against a bare node:http server sending the same bytes, and
 * what the page weighs as sent — the HTML, every stylesheet and every script it loads (module imports,
 * static and dynamic, followed), as transfer bytes from the running server with `Accept-Encoding: br, gzip`.
 * The former figure (gzip -9 of each file's text, whatever the server sent) is kept beside it.
 */

/** The page weight alone (no timing): `npx tsx bench/tracker-page.ts --weight`. */
export async function measureTrackerWeight() {
  const data = await prepareData('tracker-page');
  const server = child('bench/fanout-server.ts', ['--mode=ours'], {
    DATABASE_URL: data.url,
    BENCH_JOB_ID: data.jobId,
  });
  try {
    const { port } = await message<{ port: number }>(server, 'listening');
    return await pageWeight(`http://127.0.0.1:${port}/t/${data.token}`, { 'accept-language': 'nl' });
  } finally {
    server.kill();
  }
}

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

export async function runTrackerPage(requests = 300) {
  const data = await prepareData('tracker-page');
  const server = child('bench/fanout-server.ts', ['--mode=ours'], {
    DATABASE_URL: data.url,
    BENCH_JOB_ID: data.jobId,
  });
  const { port } = await message<{ port: number }>(server, 'listening');
  const origin = `http://127.0.0.1:${port}`;
  const url = `${origin}/t/${data.token}`;
  const html = await (await fetch(url, { headers: { 'accept-language': 'nl' } })).text();
  const weight = await pageWeight(url, { 'accept-language': 'nl' });
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
    javascriptSent: weight.scriptSent,
    javascriptGzip9: weight.scriptGzip9,
    javascriptFiles: weight.transfers.filter((t) => t.kind === 'script').map((t) => new URL(t.url).pathname),
    htmlCssSent: weight.htmlCssSent,
    htmlCssGzip9: weight.htmlCssGzip9,
    htmlBytes: html.length,
  };
  console.log(
    `tracker page: render p50 ${ours.p50.toFixed(2)} ms, p99 ${ours.p99.toFixed(2)} ms (static baseline p50 ${baseline.p50.toFixed(2)} ms, ×${result.render.ratio.toFixed(1)}); ` +
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
