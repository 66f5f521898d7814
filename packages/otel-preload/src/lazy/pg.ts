// Loaded when the app first requires its target module (see load.ts).
export { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
