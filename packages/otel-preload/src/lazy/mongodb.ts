// Loaded when the app first requires its target module (see load.ts).
export { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
