// Loaded when the app first requires its target module (see load.ts).
export { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
