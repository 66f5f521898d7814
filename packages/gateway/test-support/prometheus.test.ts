import { describe, expect, it } from 'vitest';
import { sampleValue } from './prometheus.ts';

const text = `# HELP otelgw_exporter_sent_items_total Items delivered to the destination.
# TYPE otelgw_exporter_sent_items_total counter
otelgw_exporter_sent_items_total{exporter="otlp_http",signal="traces"} 20
otelgw_exporter_sent_items_total{exporter="otlp_http/live",signal="traces"} 2
otelgw_exporter_sent_items_total{exporter="otlp_http",signal="logs"} 21 1712345678000
otelgw_exporter_sent_items_total_extra{exporter="otlp_http",signal="traces"} 7
otelgw_memory_collections_total 3
odd{path="a\\"}b\\\\",signal="traces"} +Inf
`;

describe('sampleValue', () => {
  it('reads the exact value of the sample with exactly these labels', () => {
    const sent = 'otelgw_exporter_sent_items_total';
    expect(sampleValue(text, sent, { exporter: 'otlp_http', signal: 'traces' })).toBe(20);
    expect(sampleValue(text, sent, { signal: 'traces', exporter: 'otlp_http/live' })).toBe(2);
    expect(sampleValue(text, sent, { exporter: 'otlp_http', signal: 'logs' })).toBe(21);
    expect(sampleValue(text, 'otelgw_memory_collections_total')).toBe(3);
    expect(sampleValue(text, 'odd', { path: 'a"}b\\', signal: 'traces' })).toBe(Infinity);
  });

  it('finds nothing for a label subset, another name or a missing sample', () => {
    const sent = 'otelgw_exporter_sent_items_total';
    expect(sampleValue(text, sent, { exporter: 'otlp_http' })).toBeUndefined();
    expect(sampleValue(text, sent, { exporter: 'otlp_grpc', signal: 'traces' })).toBeUndefined();
    expect(sampleValue(text, 'otelgw_exporter_sent_items')).toBeUndefined();
  });

  it('refuses an exposition that holds the same sample twice', () => {
    const twice = 'a{x="1"} 1\na{x="1"} 2\n';
    expect(() => sampleValue(twice, 'a', { x: '1' })).toThrow(/twice/);
  });
});
