// Loaded a moment after startup, when runtime metrics are on (see load.ts).
export { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
