// Loaded when the app first requires its target module (see load.ts).
export { MySQL2Instrumentation } from '@opentelemetry/instrumentation-mysql2';
