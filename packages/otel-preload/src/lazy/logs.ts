// Loaded only when OTEL_LOGS_EXPORTER includes otlp (see load.ts and ../logs.ts).
export { LoggerProvider } from '@opentelemetry/sdk-logs';
