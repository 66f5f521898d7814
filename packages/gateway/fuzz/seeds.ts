// The inputs a fuzz run starts from: payloads the official OpenTelemetry JS SDK serializers
// produce for all three signals, in protobuf and JSON, and the amplification shapes (scaled to
// pass the fuzz targets' limits), each behind the target's selector bytes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  logsJson,
  logsProtobuf,
  metricsJson,
  metricsProtobuf,
  sdkLogs,
  sdkMetrics,
  sdkSpans,
  traceJson,
  traceProtobuf,
} from '../../otlp/test-support/sdk-fixtures.ts';
import {
  bucketFlood,
  emptySpans,
  emptySpansJson,
  oneSpanManyAttributes,
  unknownFieldFlood,
} from '../test-support/amplification.ts';

export type Target = 'decode' | 'http-request';

interface Body {
  name: string;
  /** 0 traces, 1 metrics, 2 logs */
  signal: number;
  json: boolean;
  bytes: Uint8Array;
}

async function bodies(): Promise<Body[]> {
  const metrics = await sdkMetrics();
  const spans = sdkSpans(8, 6);
  const logs = sdkLogs(8);
  return [
    { name: 'sdk-traces', signal: 0, json: false, bytes: traceProtobuf(spans) },
    { name: 'sdk-traces-json', signal: 0, json: true, bytes: traceJson(spans) },
    { name: 'sdk-metrics', signal: 1, json: false, bytes: metricsProtobuf(metrics) },
    { name: 'sdk-metrics-json', signal: 1, json: true, bytes: metricsJson(metrics) },
    { name: 'sdk-logs', signal: 2, json: false, bytes: logsProtobuf(logs) },
    { name: 'sdk-logs-json', signal: 2, json: true, bytes: logsJson(logs) },
    { name: 'empty-spans', signal: 0, json: false, bytes: emptySpans(300) },
    { name: 'empty-spans-json', signal: 0, json: true, bytes: emptySpansJson(6_000) },
    { name: 'many-attributes', signal: 0, json: false, bytes: oneSpanManyAttributes(40) },
    { name: 'unknown-fields', signal: 0, json: false, bytes: unknownFieldFlood(6_000) },
    { name: 'bucket-counts', signal: 1, json: false, bytes: bucketFlood(6_000) },
  ];
}

/** Writes the seeds of `target` into `dir`; returns how many. */
export async function writeSeeds(target: Target, dir: string): Promise<number> {
  mkdirSync(dir, { recursive: true });
  let count = 0;
  const write = (name: string, head: number[], body: Uint8Array) => {
    writeFileSync(join(dir, name), Buffer.concat([Buffer.from(head), body]));
    count++;
  };
  for (const body of await bodies()) {
    if (target === 'decode') {
      write(body.name, [body.signal + (body.json ? 4 : 0)], body.bytes);
      continue;
    }
    // http-request: byte 0 = path | type << 3 | encoding << 5 | compress << 7; byte 1 = 0.
    const type = body.json ? 1 : 0;
    write(body.name, [body.signal | (type << 3), 0], body.bytes);
    write(`${body.name}-gzip`, [body.signal | (type << 3) | (1 << 5) | 0x80, 0], body.bytes);
  }
  return count;
}
