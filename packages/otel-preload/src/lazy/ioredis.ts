// Loaded when the app first requires its target module (see load.ts).
export { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
