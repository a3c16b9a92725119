import { createServer } from 'node:http';

/**
 * Baseline for the tracker page: bare node:http answering a static HTML string of the same size, or,
 * given its gzip bytes, those to a client that accepts gzip (the page as the product sends it).
 */
process.on('message', (m: { type: string; html: string; gzip?: string }) => {
  if (m.type !== 'serve') return;
  const gzip = m.gzip ? Buffer.from(m.gzip, 'base64') : null;
  const server = createServer((req, res) => {
    if (gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'gzip' });
      res.end(gzip);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(m.html);
  });
  server.listen(0, '127.0.0.1', () =>
    process.send?.({ type: 'listening', port: (server.address() as { port: number }).port }),
  );
});
process.send?.({ type: 'ready' });
