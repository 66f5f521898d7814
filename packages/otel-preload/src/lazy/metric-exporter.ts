// Loaded only when OTEL_METRICS_EXPORTER includes otlp (see load.ts).
export { OTLPMetricExporter as OtlpProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
export {
  AggregationTemporalityPreference,
  OTLPMetricExporter as OtlpJsonMetricExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
