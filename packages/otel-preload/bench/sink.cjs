// Where the instrumented app exports: answers every OTLP/HTTP trace request 200 and counts the
// requests and the spans in them. `node bench/sink.cjs PORT`; GET / returns
// {"requests":N,"spans":N} so far.
const { decodeTraceRequest, decodeTraceRequestJson } = require('@org/otlp');

let requests = 0;
let spans = 0;
require('node:http')
  .createServer((req, res) => {
    if (req.method === 'GET') return res.end(JSON.stringify({ requests, spans }));
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const json = (req.headers['content-type'] ?? '').includes('json');
      const request = json
        ? decodeTraceRequestJson(body.toString('utf8'))
        : decodeTraceRequest(body);
      requests++;
      for (const resourceSpans of request.resourceSpans)
        for (const scopeSpans of resourceSpans.scopeSpans) spans += scopeSpans.spans.length;
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end();
    });
  })
  .listen(Number(process.argv[2]), '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => process.exit(0));
