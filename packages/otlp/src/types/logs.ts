import type {
  AnyValue,
  InstrumentationScope,
  KeyValue,
  Resource,
  UnknownFields,
} from './common.ts';

/** `opentelemetry.proto.logs.v1` messages; conventions in `common.ts`. */

export interface ExportLogsServiceRequest {
  resourceLogs: ResourceLogs[];
  unknownFields?: UnknownFields;
}

export interface ResourceLogs {
  resource: Resource | undefined;
  scopeLogs: ScopeLogs[];
  schemaUrl: string;
  unknownFields?: UnknownFields;
}

export interface ScopeLogs {
  scope: InstrumentationScope | undefined;
  logRecords: LogRecord[];
  schemaUrl: string;
  unknownFields?: UnknownFields;
}

export interface LogRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  body: AnyValue | undefined;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  flags: number;
  traceId: Uint8Array;
  spanId: Uint8Array;
  eventName: string;
  unknownFields?: UnknownFields;
}

export interface ExportLogsServiceResponse {
  partialSuccess: ExportLogsPartialSuccess | undefined;
  unknownFields?: UnknownFields;
}

export interface ExportLogsPartialSuccess {
  rejectedLogRecords: bigint;
  errorMessage: string;
  unknownFields?: UnknownFields;
}
