// The record walkers: every record visited once with its scope and resource, retains that prune
// what they empty and copy nothing when nothing goes, partitions that keep every record exactly
// once under its own resource and scope.
import { describe, expect, it } from 'vitest';
import {
  sdkLogs,
  sdkMetrics,
  sdkSpans,
  logsProtobuf,
  metricsProtobuf,
  traceProtobuf,
} from '../../test-support/sdk-fixtures.ts';
import {
  countDataPoints,
  countLogRecords,
  countSpans,
  dataPointsOf,
  decodeLogsRequest,
  decodeMetricsRequest,
  decodeTraceRequest,
  encodeLogsRequest,
  encodeMetricsRequest,
  encodeTraceRequest,
  forEachDataPoint,
  forEachLogRecord,
  forEachResource,
  forEachSpan,
  partitionDataPoints,
  partitionLogRecords,
  partitionSpans,
  resourcesOf,
  retainDataPoints,
  retainLogRecords,
  retainMetrics,
  retainSpans,
} from '../index.ts';

const traces = () => decodeTraceRequest(traceProtobuf(sdkSpans(12, 3)));
const metrics = async () => decodeMetricsRequest(metricsProtobuf(await sdkMetrics()));
const logs = () => decodeLogsRequest(logsProtobuf(sdkLogs(9)));

describe('span walker', () => {
  it('visits every span once, with the scope and resource holding it', () => {
    const request = traces();
    const seen: string[] = [];
    forEachSpan(request, (span, scope, resource) => {
      expect(scope.spans).toContain(span);
      expect(resource.scopeSpans).toContain(scope);
      seen.push(span.name);
    });
    expect(seen).toHaveLength(12);
    expect(countSpans(request)).toBe(12);
  });

  it('retains in place, copies nothing when nothing goes, prunes what it empties', () => {
    const request = traces();
    const lists = request.resourceSpans.map((r) => r.scopeSpans.map((s) => s.spans));
    expect(retainSpans(request, () => true)).toBe(0);
    expect(request.resourceSpans.map((r) => r.scopeSpans.map((s) => s.spans))).toEqual(lists);
    expect(request.resourceSpans[0]!.scopeSpans[0]!.spans).toBe(lists[0]![0]);
    const names: string[] = [];
    forEachSpan(request, (s) => names.push(s.name));
    const removed = retainSpans(
      request,
      (span) => span.name !== names[3] && span.name !== names[7],
    );
    expect(removed).toBe(names.filter((n) => n === names[3] || n === names[7]).length);
    expect(countSpans(request)).toBe(12 - removed);
    expect(retainSpans(request, () => false)).toBe(12 - removed);
    expect(request.resourceSpans).toEqual([]);
  });

  it('partitions every span exactly once, under its own resource and scope', () => {
    const request = traces();
    const encoded = encodeTraceRequest(request);
    const resource = request.resourceSpans[0]!.resource;
    const parts = partitionSpans(request, (span) => span.kind);
    let total = 0;
    for (const [kind, part] of parts) {
      forEachSpan(part, (span, _scope, r) => {
        expect(span.kind).toBe(kind);
        expect(r.resource).toBe(resource); // shared, not copied
        total++;
      });
    }
    expect(total).toBe(12);
    // Merged back, the parts hold the same spans as the original.
    const again: string[] = [];
    for (const part of parts.values()) forEachSpan(part, (s) => again.push(s.name));
    const before: string[] = [];
    forEachSpan(decodeTraceRequest(encoded), (s) => before.push(s.name));
    expect(again.sort()).toEqual(before.sort());
  });
});

describe('data point walker', () => {
  it('counts, retains and partitions data points of every metric type', async () => {
    const request = await metrics();
    const points = countDataPoints(request);
    expect(points).toBeGreaterThan(4);
    let visited = 0;
    forEachDataPoint(request, (point, metric) => {
      expect(dataPointsOf(metric)).toContain(point);
      visited++;
    });
    expect(visited).toBe(points);
    const parts = partitionDataPoints(await metrics(), (_p, metric) => metric.name.length % 2);
    expect([...parts.values()].reduce((n, part) => n + countDataPoints(part), 0)).toBe(points);
    for (const part of parts.values()) encodeMetricsRequest(part); // each part is a valid request
    const firstName = request.resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!.name;
    const ofFirst = dataPointsOf(request.resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!).length;
    expect(retainMetrics(request, (m) => m.name !== firstName)).toBe(ofFirst);
    expect(countDataPoints(request)).toBe(points - ofFirst);
    expect(retainDataPoints(request, () => false)).toBe(points - ofFirst);
    expect(request.resourceMetrics).toEqual([]);
  });
});

describe('log record walker', () => {
  it('counts, retains and partitions log records', () => {
    const request = logs();
    expect(countLogRecords(request)).toBe(9);
    const severities: number[] = [];
    forEachLogRecord(request, (record) => severities.push(record.severityNumber));
    const parts = partitionLogRecords(logs(), (record) => record.severityNumber);
    expect([...parts.keys()].sort()).toEqual([...new Set(severities)].sort());
    expect([...parts.values()].reduce((n, p) => n + countLogRecords(p), 0)).toBe(9);
    for (const part of parts.values()) expect(encodeLogsRequest(part).length).toBeGreaterThan(0);
    const removed = retainLogRecords(request, (r) => r.severityNumber !== severities[0]);
    expect(removed).toBe(severities.filter((s) => s === severities[0]).length);
  });
});

describe('resource walker', () => {
  it('gives every container of any signal a resource to set attributes on', () => {
    const request = decodeTraceRequest(
      encodeTraceRequest({
        resourceSpans: [{ resource: undefined, scopeSpans: [], schemaUrl: '' }],
      }),
    );
    forEachResource(request, (resource) =>
      resource.attributes.push({ key: 'k', value: { stringValue: 'v' } }),
    );
    expect(resourcesOf(request)[0]!.resource!.attributes).toEqual([
      { key: 'k', value: { stringValue: 'v' } },
    ]);
  });
});
