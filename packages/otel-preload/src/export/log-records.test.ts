import { SeverityNumber, TraceFlags, context, trace } from '@opentelemetry/api';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { decodeLogsRequest, encodeLogsRequest } from '@org/otlp';
import { describe, expect, it } from 'vitest';
import { Grouper } from './convert.ts';
import { logsToRequest } from './log-records.ts';

/** Log records from the real SDK: string and structured bodies, in and outside a span. */
function sdkLogRecords(): ReadableLogRecord[] {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout' }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('@org/otel-preload', '1.0.0');
  logger.emit({
    severityNumber: SeverityNumber.FATAL,
    severityText: 'FATAL',
    body: 'uncaught exception: boom',
    attributes: { 'exception.type': 'Error', 'exception.message': 'boom' },
  });
  const inSpan = trace.setSpanContext(context.active(), {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
  });
  provider.getLogger('pino').emit({
    severityNumber: SeverityNumber.INFO,
    severityText: 'info',
    body: { msg: 'order placed', items: [1, 2], nested: { ok: true, ratio: 0.5 } },
    attributes: { 'order.id': 42 },
    eventName: 'order.placed',
    context: inSpan,
  });
  return exporter.getFinishedLogRecords();
}

describe('logsToRequest', () => {
  it('encodes to the same protobuf request as the official serializer', () => {
    const records = sdkLogRecords();
    const ours = decodeLogsRequest(encodeLogsRequest(logsToRequest(records, new Grouper())));
    const official = decodeLogsRequest(ProtobufLogsSerializer.serializeRequest(records)!);
    expect(ours).toEqual(official);
    expect(ours.resourceLogs[0]!.scopeLogs.map((s) => s.logRecords.length)).toEqual([1, 1]);
  });

  it('leaves out attributes that repeat the resource, and keeps those that differ', () => {
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'checkout', 'service.version': '1.0' }),
      processors: [new SimpleLogRecordProcessor({ exporter })],
    });
    provider.getLogger('pino').emit({
      body: 'paid',
      attributes: { 'service.name': 'checkout', 'service.version': '0.9', 'order.id': 42 },
    });
    const request = logsToRequest(exporter.getFinishedLogRecords(), new Grouper());
    const record = request.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
    expect(record.attributes.map((a) => a.key)).toEqual(['service.version', 'order.id']);
  });

  it('censors secret-named keys in attributes and structured bodies (rule log.secrets)', () => {
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({
      processors: [new SimpleLogRecordProcessor({ exporter })],
    });
    provider.getLogger('pino').emit({
      body: { msg: 'login', user: { name: 'al', Password: 'hunter2' } },
      attributes: { apiKey: 'k1', 'order.id': 42 },
    });
    const request = logsToRequest(exporter.getFinishedLogRecords(), new Grouper());
    const encoded = JSON.stringify(request, (_, v: unknown) =>
      typeof v === 'bigint' ? String(v) : v,
    );
    expect(encoded).not.toContain('hunter2');
    expect(encoded).not.toContain('k1');
    expect(encoded).toContain('[REDACTED]');
    expect(encoded).toContain('"al"');
  });
});
