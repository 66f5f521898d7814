// @org/otel-gateway as a library: load a config and run the service in-process.
export type { ConfigProblem } from './config/load.ts';
export { ConfigError, loadConfig, parseConfig } from './config/load.ts';
export type { ResolvedConfig } from './config/schema.ts';
export { configFileSchema } from './config/schema.ts';
export { ErrorCode, GatewayError } from './errors.ts';
export { Service } from './service.ts';
export { main } from './cli.ts';
