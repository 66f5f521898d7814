// Benchmark sink: answers every POST 200 at once and counts requests. `node bench/sink.ts PORT`.
import { createServer } from 'node:http';

let requests = 0;
const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.end(String(requests));
    return;
  }
  req.on('data', () => undefined);
  req.on('end', () => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 });
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2]), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
