// Loaded when the app first requires its target module (see load.ts).
export { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
