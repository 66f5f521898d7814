// The floor: an OTLP/HTTP pass-through that forwards each body unchanged, without decoding.
// `node bench/proxy.ts LISTEN_PORT UPSTREAM_URL`.
import { createServer } from 'node:http';
import { Pool } from 'undici';

const upstream = new URL(process.argv[3]!);
const pool = new Pool(upstream.origin, { connections: 16, keepAliveTimeout: 60_000 });
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    pool
      .request({
        method: 'POST',
        path: req.url!,
        headers: { 'content-type': req.headers['content-type']! },
        body: Buffer.concat(chunks),
      })
      .then(async (response) => {
        await response.body.dump();
        res.writeHead(response.statusCode, {
          'content-type': 'application/x-protobuf',
          'content-length': 0,
        });
        res.end();
      })
      .catch(() => {
        res.writeHead(502);
        res.end();
      });
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2]), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
