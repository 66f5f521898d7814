// Where the instrumented app exports: answers every OTLP/HTTP trace request 200 and counts the
// requests and the spans in them. `node bench/sink.cjs PORT`; GET / returns
// {"requests":N,"spans":N} so far. It shares the machine with the app under test, so it counts
// protobuf spans by walking field headers only, never decoding a span.
const { decodeTraceRequestJson } = require('@org/otlp');

/** Reads a varint at `at`; returns [value, next position]. */
function varint(buf, at) {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = buf[at++];
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, at];
  }
}

/** How many length-delimited fields numbered `field` lie in buf[from, to), with their bounds. */
function fields(buf, from, to, field, each) {
  let at = from;
  while (at < to) {
    let tag;
    [tag, at] = varint(buf, at);
    const type = tag & 7;
    if (type === 0) [, at] = varint(buf, at);
    else if (type === 1) at += 8;
    else if (type === 5) at += 4;
    else if (type === 2) {
      let length;
      [length, at] = varint(buf, at);
      if (tag >>> 3 === field) each(at, at + length);
      at += length;
    } else throw new Error(`unexpected wire type ${type}`);
  }
}

/** Spans in an ExportTraceServiceRequest: resource_spans(1) → scope_spans(2) → spans(2). */
function countSpans(buf) {
  let count = 0;
  fields(buf, 0, buf.length, 1, (rs, rsEnd) =>
    fields(buf, rs, rsEnd, 2, (ss, ssEnd) => fields(buf, ss, ssEnd, 2, () => count++)),
  );
  return count;
}

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
      requests++;
      if (json) {
        for (const resourceSpans of decodeTraceRequestJson(body.toString('utf8')).resourceSpans)
          for (const scopeSpans of resourceSpans.scopeSpans) spans += scopeSpans.spans.length;
      } else {
        spans += countSpans(body);
      }
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end();
    });
  })
  .listen(Number(process.argv[2]), '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => process.exit(0));
