import type { Attributes } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ExportLogsServiceRequest, LogRecord } from '@org/otlp';
import type { Grouper } from './convert.ts';
import { withoutSecrets } from '../redaction.ts';
import { idBytes, nanos, toAnyValue, toKeyValues } from './convert.ts';

const EMPTY = new Uint8Array(0);

/** SDK log records as one OTLP export request; the request holds no reference to them. */
export function logsToRequest(
  records: readonly ReadableLogRecord[],
  grouper: Grouper,
): ExportLogsServiceRequest {
  return {
    resourceLogs: grouper.group(records, toLogRecord).map((r) => ({
      resource: r.resource,
      schemaUrl: r.schemaUrl,
      scopeLogs: r.scopes.map((s) => ({
        scope: s.scope,
        schemaUrl: s.scopeSchemaUrl,
        logRecords: s.items,
      })),
    })),
  };
}

function toLogRecord(record: ReadableLogRecord): LogRecord {
  const context = record.spanContext;
  return {
    timeUnixNano: nanos(record.hrTime),
    observedTimeUnixNano: nanos(record.hrTimeObserved),
    severityNumber: record.severityNumber ?? 0,
    severityText: record.severityText ?? '',
    body: record.body === undefined ? undefined : toAnyValue(withoutSecrets(record.body)),
    // Rule log.secrets for every record, the app's own pino loggers' included.
    attributes: toKeyValues(withoutSecrets(ownAttributes(record)) as Attributes),
    droppedAttributesCount: record.droppedAttributesCount,
    flags: context ? context.traceFlags & 0xff : 0,
    traceId: context ? idBytes(context.traceId) : EMPTY,
    spanId: context ? idBytes(context.spanId) : EMPTY,
    eventName: record.eventName ?? '',
  };
}

/**
 * A record's attributes less those its resource carries with the same value: createLogger puts
 * the service fields on every JSON line for stdout, and over OTLP the resource says them once.
 */
function ownAttributes(record: ReadableLogRecord): Attributes {
  const resource = record.resource.attributes;
  let own: Attributes | undefined;
  for (const key of Object.keys(record.attributes)) {
    const value = record.attributes[key];
    if (value !== undefined && resource[key] === value)
      delete (own ??= { ...record.attributes })[key];
  }
  return own ?? record.attributes;
}
