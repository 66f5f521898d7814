import { createRequire } from 'node:module';
import type * as otlpExporter from './otlp-exporter.ts';
import type * as metricExporter from './metric-exporter.ts';
import type * as prometheus from './prometheus.ts';
import type * as http from './http.ts';
import type * as undici from './undici.ts';
import type * as express from './express.ts';
import type * as pg from './pg.ts';
import type * as mysql2 from './mysql2.ts';
import type * as ioredis from './ioredis.ts';
import type * as mongodb from './mongodb.ts';
import type * as pino from './pino.ts';
import type * as runtimeNode from './runtime-node.ts';
import type * as cloudDetectors from './cloud-detectors.ts';
import type * as logs from './logs.ts';

/**
 * The parts of the preload loaded only when needed. Each is a separate entry of the bundle
 * (`lazy-<name>.cjs`, beside the core bundle), so startup pays only
 * for the core, and an app that never requires pg never loads the pg instrumentation.
 */
export interface LazyModules {
  'otlp-exporter': typeof otlpExporter;
  'metric-exporter': typeof metricExporter;
  prometheus: typeof prometheus;
  http: typeof http;
  undici: typeof undici;
  express: typeof express;
  pg: typeof pg;
  mysql2: typeof mysql2;
  ioredis: typeof ioredis;
  mongodb: typeof mongodb;
  pino: typeof pino;
  'runtime-node': typeof runtimeNode;
  'cloud-detectors': typeof cloudDetectors;
  logs: typeof logs;
}

/** Every lazy part, each a bundle entry; the type check fails when this and the interface differ. */
const PARTS = {
  'otlp-exporter': true,
  'metric-exporter': true,
  prometheus: true,
  http: true,
  undici: true,
  express: true,
  pg: true,
  mysql2: true,
  ioredis: true,
  mongodb: true,
  pino: true,
  'runtime-node': true,
  'cloud-detectors': true,
  logs: true,
} as const satisfies Record<keyof LazyModules, true>;

export const LAZY_MODULES = Object.keys(PARTS) as (keyof LazyModules)[];

const require = createRequire(import.meta.url);

/** Loads a lazy part synchronously. */
export function loadLazy<K extends keyof LazyModules>(name: K): LazyModules[K] {
  return require(`./lazy-${name}.cjs`) as LazyModules[K];
}
