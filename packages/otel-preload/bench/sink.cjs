// Where the instrumented app exports: answers every OTLP/HTTP request 200 and counts spans'
// requests. `node bench/sink.cjs PORT`; GET / returns the number of export requests received.
let received = 0;
require('node:http')
  .createServer((req, res) => {
    if (req.method === 'GET') return res.end(String(received));
    req.on('data', () => undefined);
    req.on('end', () => {
      received++;
      res.writeHead(200, {
        'content-type': req.headers['content-type'] ?? 'application/x-protobuf',
      });
      res.end();
    });
  })
  .listen(Number(process.argv[2]), '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => process.exit(0));
