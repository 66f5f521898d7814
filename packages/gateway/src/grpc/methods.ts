import type { Signal } from '../signal.ts';

/** The OTLP/gRPC Export method of each signal's service (facts of opentelemetry-proto). */
export const EXPORT_METHODS: Readonly<Record<Signal, string>> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

/** grpc-js (de)serializer that hands messages over as raw bytes: this codec does the rest. */
export const passThrough = (value: Buffer): Buffer => value;
