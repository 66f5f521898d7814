// Loaded when the app first requires http or https (see load.ts).
export { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
