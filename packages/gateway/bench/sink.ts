// Benchmark sink: answers every POST 200 at once and counts the spans it received (a gateway
// merges requests into batches, so requests say nothing). `GET /` answers the span count.
// `node bench/sink.ts PORT`.
import { createServer } from 'node:http';
import { countSpans, decodeTraceRequest } from '@org/otlp';

let spans = 0;
const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.end(String(spans));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    spans += countSpans(decodeTraceRequest(Buffer.concat(chunks)));
    res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 });
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2]), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
