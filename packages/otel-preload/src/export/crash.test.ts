import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { decodeTraceRequest, decodeTraceRequestJson } from '@org/otlp';
import { describe, expect, it } from 'vitest';
import { sdkSpans } from '../../test-support/sdk-spans.ts';
import { parseEnv } from '../config/env.ts';
import { Diagnostics } from '../diag.ts';
import type { BatchExporter } from './batch.ts';
import { BatchQueue, batchSettingsFrom } from './batch.ts';
import { crashRequests } from './crash.ts';
import { spanCodec } from './exporter.ts';

/** An exporter whose exports never finish: the first batch stays in flight. */
const stuck: BatchExporter = {
  export: () => undefined,
  shutdown: () => Promise.resolve(),
  abort: () => undefined,
};

/** Five spans queued two to a batch; once drain encodes them: one batch in flight, one full, one open. */
function queueOf(json: boolean): { spans: ReadableSpan[]; queue: BatchQueue<ReadableSpan> } {
  const { config } = parseEnv({
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2',
    ...(json ? { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' } : {}),
  });
  const codec = spanCodec(json);
  const settings = batchSettingsFrom(config, 'spans', () => codec.batch());
  const queue = new BatchQueue(stuck, settings, new Diagnostics('error'));
  const spans = [...sdkSpans(1), ...sdkSpans(2)].slice(0, 5);
  for (const span of spans) queue.add(span);
  return { spans, queue };
}

const names = (request: { resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[] }) =>
  request.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.name)));

describe('crashRequests', () => {
  it('joins the queued protobuf batches of a signal into one request', () => {
    const { spans, queue } = queueOf(false);
    const config = parseEnv({}).config;
    const requests = crashRequests(config, { spans: queue });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.headers['content-type']).toBe('application/x-protobuf');
    const sent = decodeTraceRequest(Buffer.from(requests[0]!.body, 'base64'));
    expect(names(sent).sort()).toEqual(spans.map((s) => s.name).sort());
  });

  it('sends JSON batches one request each, the newest first', () => {
    const { spans, queue } = queueOf(true);
    const config = parseEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).config;
    const requests = crashRequests(config, { spans: queue });
    expect(requests).toHaveLength(3);
    const sent = requests.map((r) =>
      names(decodeTraceRequestJson(Buffer.from(r.body, 'base64').toString('utf8'))),
    );
    expect(sent[0]).toEqual([spans[4]!.name]);
    expect(sent.flat().sort()).toEqual(spans.map((s) => s.name).sort());
  });
});
