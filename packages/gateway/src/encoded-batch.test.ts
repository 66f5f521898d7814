import type { ExportTraceServiceRequest } from '@org/otlp';
import { decodeTraceRequest } from '@org/otlp';
import { describe, expect, it } from 'vitest';
import { traceRequestBytes } from '../test-support/spans.ts';
import { EncodedBatch } from './encoded-batch.ts';
import { batchOf, contextOf } from './signal.ts';

describe('EncodedBatch', () => {
  it('merged encodings decode as one request holding every resource, in order', () => {
    const a = batchOf(
      'traces',
      decodeTraceRequest(traceRequestBytes(['1', '2'], undefined, 'a')),
      contextOf('test'),
    );
    const b = batchOf(
      'traces',
      decodeTraceRequest(traceRequestBytes(['1', '2', '3'], undefined, 'b')),
      contextOf('test'),
    );
    const merged = new EncodedBatch('traces');
    merged.append(EncodedBatch.of(a));
    merged.append(EncodedBatch.of(b));
    expect(merged.items).toBe(5);
    const decoded: ExportTraceServiceRequest = merged.decode();
    const names = decoded.resourceSpans.map(
      (rs) => rs.resource?.attributes.find((kv) => kv.key === 'service.name')?.value,
    );
    expect(names).toEqual([{ stringValue: 'a' }, { stringValue: 'b' }]);
    expect(decoded.resourceSpans.flatMap((rs) => rs.scopeSpans[0]!.spans)).toHaveLength(5);
    expect((JSON.parse(merged.json()) as { resourceSpans: unknown[] }).resourceSpans).toHaveLength(
      2,
    );
  });

  it('reuses the bytes a batch arrived in, and encodes when they were cleared', () => {
    const wire = traceRequestBytes(['1']);
    const batch = batchOf('traces', decodeTraceRequest(wire), contextOf('test'));
    batch.wire = wire;
    expect(EncodedBatch.of(batch).body()).toBe(wire);
    batch.request.resourceSpans[0]!.schemaUrl = 'changed';
    batch.wire = undefined;
    const encoded = EncodedBatch.of(batch).body();
    expect(encoded).not.toBe(wire);
    expect(decodeTraceRequest(encoded).resourceSpans[0]!.schemaUrl).toBe('changed');
  });
});
