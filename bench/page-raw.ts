import { createServer } from 'node:http';

/** Baseline for the tracker page: bare node:http answering a static HTML string of the same size. */
process.on('message', (m: { type: string; html: string }) => {
  if (m.type !== 'serve') return;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(m.html);
  });
  server.listen(0, '127.0.0.1', () =>
    process.send?.({ type: 'listening', port: (server.address() as { port: number }).port }),
  );
});
process.send?.({ type: 'ready' });
