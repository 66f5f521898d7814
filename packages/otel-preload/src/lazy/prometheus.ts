// Loaded when the Prometheus endpoint starts listening, after startup (see metrics.ts).
export { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
