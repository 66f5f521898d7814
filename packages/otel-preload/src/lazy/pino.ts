// Loaded when the app first requires its target module (see load.ts).
export { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
