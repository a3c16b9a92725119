import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';

// A local push service for bench/push.ts: HTTPS (push services are), answers 201 Created to every message.
const server = createServer(
  { key: readFileSync('bench/tmp/push-key.pem'), cert: readFileSync('bench/tmp/push-cert.pem') },
  (req, res) => {
    req.resume();
    req.on('end', () => {
      res.statusCode = 201;
      res.end();
    });
  },
);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as { port: number }).port });
});
