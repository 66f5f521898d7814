import * as z from 'zod/mini';

/**
 * The environment the preload reads: the standard `OTEL_*` variables it honours plus its own
 * `OTEL_PRELOAD_*` ones. This schema is the single truth: defaults, types and documentation
 * (zod's global registry) all come from it. A bad value never stops the host app:
 * {@link parseEnv} falls back to the default and reports a warning that names the variable.
 * It uses zod's tree-shakable "mini" build: the full build alone would triple the preload's
 * startup cost.
 */

/** Attaches the variable's documentation to its schema. */
const doc = <T extends z.ZodMiniType>(schema: T, description: string): T => {
  z.globalRegistry.add(schema, { description });
  return schema;
};

const boolean = z.pipe(
  z.enum(['true', 'false', 'TRUE', 'FALSE', 'True', 'False', '1', '0']),
  z.transform((value) => value.toLowerCase() === 'true' || value === '1'),
);

const int = () => z.coerce.number().check(z.int());
const positiveInt = () => int().check(z.positive());
const port = int().check(z.minimum(0), z.maximum(65535));

const url = z.url({ protocol: /^https?$/ });

/** Comma-separated list, trimmed, empty entries dropped (`a, b,` → `['a', 'b']`). */
const list = z.pipe(
  z.string(),
  z.transform((value: string) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  ),
);

/** `key=value,key2=value2` with percent-decoding, as the spec defines for headers and attributes. */
const keyValueList = z.pipe(
  z.string(),
  z.transform((value: string, ctx) => {
    const out: Record<string, string> = {};
    for (const pair of value.split(',')) {
      if (pair.trim() === '') continue;
      const eq = pair.indexOf('=');
      if (eq <= 0) {
        ctx.issues.push({
          code: 'custom',
          message: `"${pair.trim()}" is not key=value`,
          input: value,
        });
        return z.NEVER;
      }
      try {
        out[decodeURIComponent(pair.slice(0, eq).trim())] = decodeURIComponent(
          pair.slice(eq + 1).trim(),
        );
      } catch {
        ctx.issues.push({
          code: 'custom',
          message: `"${pair.trim()}" has invalid percent-encoding`,
          input: value,
        });
        return z.NEVER;
      }
    }
    return out;
  }),
);

const exporterList = <const T extends readonly [string, ...string[]]>(allowed: T) =>
  z.pipe(list, z.array(z.enum(allowed)));

const withDefault = <T extends z.ZodMiniType>(
  schema: T,
  value: Exclude<z.output<T>, undefined>,
  description: string,
) => doc(z._default(schema, value as never), description);

export const envSchema = z.object({
  OTEL_SDK_DISABLED: withDefault(boolean, false, 'Disable the preload entirely.'),
  OTEL_SERVICE_NAME: doc(
    z.optional(z.string().check(z.minLength(1))),
    'service.name; defaults to the app package.json name.',
  ),
  OTEL_RESOURCE_ATTRIBUTES: withDefault(keyValueList, {}, 'Extra resource attributes.'),
  OTEL_EXPORTER_OTLP_ENDPOINT: withDefault(
    url,
    'http://localhost:4318',
    'OTLP/HTTP base URL; /v1/traces etc. are appended.',
  ),
  OTEL_EXPORTER_OTLP_HEADERS: withDefault(
    keyValueList,
    {},
    'Headers sent with every OTLP request (secret).',
  ),
  OTEL_EXPORTER_OTLP_PROTOCOL: withDefault(
    z.enum(['http/protobuf', 'http/json']),
    'http/protobuf',
    'OTLP wire encoding.',
  ),
  OTEL_EXPORTER_OTLP_TIMEOUT: withDefault(
    positiveInt(),
    10_000,
    'Per-export timeout in milliseconds.',
  ),
  OTEL_TRACES_EXPORTER: withDefault(
    exporterList(['otlp', 'console', 'none']),
    ['otlp'],
    'Where spans go.',
  ),
  OTEL_METRICS_EXPORTER: withDefault(
    exporterList(['prometheus', 'otlp', 'console', 'none']),
    ['prometheus'],
    'Where metrics go; prometheus by default so nothing is pushed to a missing collector.',
  ),
  OTEL_LOGS_EXPORTER: withDefault(
    exporterList(['otlp', 'console', 'none']),
    ['none'],
    'OTLP log export; off by default because stdout JSON is usually collected already.',
  ),
  OTEL_TRACES_SAMPLER: withDefault(
    z.enum([
      'always_on',
      'always_off',
      'traceidratio',
      'parentbased_always_on',
      'parentbased_always_off',
      'parentbased_traceidratio',
    ]),
    'parentbased_always_on',
    'Sampler.',
  ),
  OTEL_TRACES_SAMPLER_ARG: doc(
    z.optional(z.coerce.number().check(z.minimum(0), z.maximum(1))),
    'Ratio for the traceidratio samplers.',
  ),
  OTEL_PROPAGATORS: withDefault(
    exporterList(['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger', 'none']),
    ['tracecontext', 'baggage'],
    'Context propagators.',
  ),
  OTEL_EXPORTER_PROMETHEUS_HOST: withDefault(
    z.string().check(z.minLength(1)),
    '127.0.0.1',
    'Prometheus endpoint bind address (loopback by default).',
  ),
  OTEL_EXPORTER_PROMETHEUS_PORT: withDefault(port, 9464, 'Prometheus endpoint port.'),
  OTEL_LOG_LEVEL: withDefault(
    z.enum(['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all']),
    'warn',
    'Diagnostic log level of the preload itself.',
  ),
  OTEL_NODE_ENABLED_INSTRUMENTATIONS: doc(
    z.optional(list),
    'Only these instrumentations (short names, e.g. http,pg).',
  ),
  OTEL_NODE_DISABLED_INSTRUMENTATIONS: withDefault(list, [], 'Instrumentations to skip.'),
  OTEL_BSP_MAX_QUEUE_SIZE: withDefault(
    positiveInt(),
    2048,
    'Most spans waiting for export; beyond it new spans are dropped (bounded memory).',
  ),
  OTEL_BSP_SCHEDULE_DELAY: withDefault(positiveInt(), 1000, 'Milliseconds between span exports.'),
  OTEL_PRELOAD_CAPTURE_HEADERS: withDefault(
    list,
    ['x-request-id', 'x-correlation-id'],
    'Allow-list of HTTP headers recorded on spans; cookie, set-cookie, authorization and proxy-authorization are never recorded.',
  ),
  OTEL_PRELOAD_REDACT_QUERY_PARAMS: withDefault(
    list,
    [
      'token',
      'access_token',
      'id_token',
      'refresh_token',
      'code',
      'password',
      'passwd',
      'secret',
      'client_secret',
      'api_key',
      'apikey',
      'key',
      'sig',
      'signature',
      'X-Amz-Signature',
      'X-Amz-Credential',
      'X-Goog-Signature',
      'AWSAccessKeyId',
    ],
    'Query parameters whose values are replaced by REDACTED in recorded URLs.',
  ),
  OTEL_PRELOAD_SHUTDOWN_TIMEOUT_MS: withDefault(
    positiveInt(),
    2000,
    'How long SIGTERM/SIGINT/beforeExit wait for the final flush.',
  ),
});

export type PreloadEnv = z.infer<typeof envSchema>;

/** Variables whose values are never echoed in warnings or in the effective-config log line. */
const SENSITIVE = new Set<string>(['OTEL_EXPORTER_OTLP_HEADERS']);

export interface EnvWarning {
  variable: string;
  /** The offending value, or `[REDACTED]` for secret-bearing variables. */
  value: string;
  reason: string;
  /** What is used instead, as the user would write it. */
  fallback: string;
}

export interface ParsedEnv {
  config: PreloadEnv;
  warnings: EnvWarning[];
}

const known = Object.keys(envSchema.shape) as (keyof PreloadEnv)[];

function describeFallback(variable: keyof PreloadEnv, config: PreloadEnv): string {
  const value = config[variable];
  if (value === undefined) return 'unset';
  if (SENSITIVE.has(variable)) return '[REDACTED]';
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Parses the preload's environment. Never throws: each invalid variable is replaced by its
 * default and reported once in `warnings` (variable, value — redacted if sensitive — reason,
 * fallback). Empty strings count as unset, as the OpenTelemetry spec requires.
 */
export function parseEnv(env: NodeJS.ProcessEnv): ParsedEnv {
  const input: Record<string, string> = {};
  for (const name of known) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') input[name] = value.trim();
  }
  const first = envSchema.safeParse(input);
  if (first.success) return { config: first.data, warnings: [] };

  const bad = new Map<string, string>();
  for (const issue of first.error.issues) {
    const variable = String(issue.path[0]);
    if (!bad.has(variable)) bad.set(variable, issue.message);
  }
  for (const variable of bad.keys()) delete input[variable];
  const config = envSchema.parse(input);
  const warnings = [...bad].map(([variable, reason]) => ({
    variable,
    value: SENSITIVE.has(variable) ? '[REDACTED]' : (env[variable] ?? ''),
    reason,
    fallback: describeFallback(variable as keyof PreloadEnv, config),
  }));
  return { config, warnings };
}

/** One line per warning, for the preload's diagnostic logger. */
export function formatWarning(warning: EnvWarning): string {
  return `invalid ${warning.variable}=${JSON.stringify(warning.value)} (${warning.reason}); using ${warning.fallback}`;
}

/** The effective config with secret-bearing values replaced, safe to log. */
export function redactedConfig(config: PreloadEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of known) {
    const value = config[name];
    if (value === undefined) continue;
    out[name] = SENSITIVE.has(name) ? '[REDACTED]' : value;
  }
  return out;
}

/** The OTLP/HTTP URL of one signal under OTEL_EXPORTER_OTLP_ENDPOINT (`/v1/traces` and so on). */
export function signalUrl(config: PreloadEnv, signal: 'traces' | 'metrics' | 'logs'): string {
  return `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/${signal}`;
}
